package io.redmutex.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One cluster for the whole class; every test leaves it settled with all six nodes running. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class RedisClusterNodesTest {

  private static final String PASSWORD = "s3cr:et@";
  private static final Duration FAILOVER = Duration.ofSeconds(30);

  private static RedisClusterNodes cluster;
  private static RedisClusterClient client;

  @BeforeAll
  static void start() {
    cluster = RedisClusterNodes.builder().password(PASSWORD).start();
    client = RedisClusterClient.create(cluster.uri());
  }

  @AfterAll
  static void close() {
    client.shutdown();
    cluster.close();
  }

  @AfterEach
  void everyNodeRunsAgain() {
    for (RedisServer node : cluster.nodes()) {
      if (!node.isRunning()) {
        cluster.restart(node);
      }
    }
  }

  @Test
  void start_formsThreeMastersCoveringAllSlots_eachWithAReplica() {
    assertThat(cluster.nodes()).hasSize(6);
    assertThat(cluster.masters()).hasSize(3);
    assertThat(cluster.replicas()).hasSize(3).doesNotContainAnyElementsOf(cluster.masters());
    Set<Integer> mastersOfReplicas = new HashSet<>();
    for (RedisServer node : cluster.nodes()) {
      assertThat(Replies.info(node.command("CLUSTER", "INFO")))
          .containsEntry("cluster_state", "ok")
          .containsEntry("cluster_slots_ok", "16384")
          .containsEntry("cluster_known_nodes", "6");
      Map<String, String> replication = node.info(Duration.ofSeconds(5), "replication");
      if (cluster.replicas().contains(node)) {
        assertThat(replication).containsEntry("master_link_status", "up");
        mastersOfReplicas.add(Integer.parseInt(replication.get("master_port")));
      } else {
        assertThat(replication).containsEntry("connected_slaves", "1");
      }
    }
    assertThat(mastersOfReplicas)
        .containsExactlyInAnyOrderElementsOf(
            cluster.masters().stream().map(RedisServer::port).toList());
  }

  @Test
  void everyNode_requiresThePassword() {
    for (RedisServer node : cluster.nodes()) {
      RedisURI anonymous = RedisURI.create("redis://127.0.0.1:" + node.port());
      try (RedisClusterClient stranger = RedisClusterClient.create(anonymous)) {
        assertThatThrownBy(() -> stranger.connect().sync().ping())
            .isInstanceOf(RedisException.class);
      }
    }
  }

  @Test
  void uri_listsEveryNodeAsASeed_withThePasswordEncoded() {
    String hosts =
        String.join(",", cluster.nodes().stream().map(n -> "127.0.0.1:" + n.port()).toList());

    assertThat(cluster.uri()).isEqualTo("redis://:s3cr%3Aet%40@" + hosts);
    assertThat(cluster.seedUris())
        .extracting(RedisURI::getPort)
        .containsExactlyElementsOf(cluster.nodes().stream().map(RedisServer::port).toList());
    try (RedisClusterClient seeded = RedisClusterClient.create(cluster.seedUris());
        StatefulRedisClusterConnection<String, String> connection = seeded.connect()) {
      assertThat(connection.sync().clusterInfo()).contains("cluster_state:ok");
    }
  }

  @Test
  void clusterClient_routesEveryKeyToTheMasterOfItsSlot() {
    try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
      RedisAdvancedClusterCommands<String, String> redis = connection.sync();
      List<String> keys = IntStream.range(0, 60).mapToObj(i -> "routed-" + i).toList();
      for (String key : keys) {
        redis.set(key, key);
      }

      Set<RedisServer> used = new HashSet<>();
      for (String key : keys) {
        RedisServer master = cluster.masterFor(key);
        assertThat(master.command("GET", key)).isEqualTo(key);
        used.add(master);
      }
      assertThat(used).containsExactlyInAnyOrderElementsOf(cluster.masters());
    }
  }

  @Test
  void otherMaster_answersMoved_namingTheMasterOfTheSlot() {
    String key = "moved-key";
    RedisServer owner = cluster.masterFor(key);
    RedisServer other =
        cluster.masters().stream().filter(m -> m != owner).findFirst().orElseThrow();

    assertThatThrownBy(() -> other.command("SET", key, "v"))
        .isInstanceOf(RedisCommandExecutionException.class)
        .hasMessageContaining("MOVED " + io.lettuce.core.cluster.SlotHash.getSlot(key))
        .hasMessageContaining("127.0.0.1:" + owner.port());
  }

  @Test
  void masterFor_honoursHashTags() {
    assertThat(cluster.masterFor("{lock:a}.fence")).isSameAs(cluster.masterFor("{lock:a}"));
    assertThat(cluster.masterFor("lock:a")).isSameAs(cluster.masterFor("{lock:a}"));
  }

  @Test
  void killMaster_thenAwaitFailover_promotesItsReplica_andRestartMakesTheOldOneAReplica() {
    String key = "failover-key";
    RedisServer old = cluster.masterFor(key);
    old.command("SET", key, "before");
    assertThat(old.command("WAIT", "1", "5000")).isEqualTo("1");
    int replicaPort = replicaOf(old);

    cluster.killMaster(old);
    RedisServer promoted = cluster.awaitFailover(FAILOVER);

    assertThat(promoted.port()).isEqualTo(replicaPort);
    assertThat(cluster.masterFor(key)).isSameAs(promoted);
    assertThat(cluster.masters()).hasSize(3).contains(promoted).doesNotContain(old);
    assertThat(promoted.command("GET", key)).isEqualTo("before");
    client.refreshPartitions();
    try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
      assertThat(connection.sync().get(key)).isEqualTo("before");
    }

    cluster.restart(old);

    assertThat(cluster.replicas()).contains(old);
    assertThat(replicaOf(promoted)).isEqualTo(old.port());
  }

  @Test
  void killMaster_rejectsAReplica() {
    RedisServer replica = cluster.replicas().get(0);

    assertThatThrownBy(() -> cluster.killMaster(replica))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(replica.isRunning()).isTrue();
  }

  @Test
  void builder_rejectsBadAndRepeatedOptions() {
    RedisClusterNodes.Builder builder =
        RedisClusterNodes.builder().password("p").nodeTimeout(Duration.ofSeconds(2));

    assertThatThrownBy(() -> builder.password("q")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> builder.nodeTimeout(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> RedisClusterNodes.builder().password(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisClusterNodes.builder().nodeTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** The port of the one node that replicates {@code master}, from the master's INFO. */
  private static int replicaOf(RedisServer master) {
    String slave0 = master.info(Duration.ofSeconds(5), "replication").get("slave0");
    assertThat(slave0).as("replica of %s", master).isNotNull();
    return Integer.parseInt(slave0.replaceAll(".*port=(\\d+).*", "$1"));
  }
}
