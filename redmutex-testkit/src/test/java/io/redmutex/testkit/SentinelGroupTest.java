package io.redmutex.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One group for the whole class; every test leaves it settled with all six processes running. The
 * password has characters that need percent-encoding in a URI, and a colon.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class SentinelGroupTest {

  private static final String PASSWORD = "s3cr:et@/%é";
  private static final Duration FAILOVER = Duration.ofSeconds(30);

  private static SentinelGroup group;
  private static RedisClient client;

  @BeforeAll
  static void start() {
    group = SentinelGroup.builder().password(PASSWORD).start();
    client = RedisClient.create();
  }

  @AfterAll
  static void close() {
    client.shutdown();
    group.close();
  }

  @AfterEach
  void everythingRunsAgain() {
    group.resumeReplicas();
    for (RedisServer server : concat(group.nodes(), group.sentinels())) {
      if (!server.isRunning()) {
        group.restart(server);
      }
    }
  }

  @Test
  void start_returnsWithReplicasOnline_andSentinelsKnowingEachOther() {
    RedisServer master = group.master();

    assertThat(group.nodes()).hasSize(3).contains(master);
    assertThat(group.replicas()).hasSize(2).doesNotContain(master);
    assertThat(group.sentinels()).hasSize(3);
    assertThat(group.masterName()).isEqualTo("mymaster");
    assertThat(group.password()).isEqualTo(PASSWORD);
    Map<String, String> replication = master.info(Duration.ofSeconds(5), "replication");
    assertThat(replication).containsEntry("role", "master").containsEntry("connected_slaves", "2");
    assertThat(replication.get("slave0")).contains("state=online");
    assertThat(replication.get("slave1")).contains("state=online");
    for (RedisServer sentinel : group.sentinels()) {
      Map<String, String> state =
          Replies.pairs(sentinel.call(Duration.ofSeconds(5), "SENTINEL", "MASTER", "mymaster"));
      assertThat(state)
          .containsEntry("port", Integer.toString(master.port()))
          .containsEntry("num-slaves", "2")
          .containsEntry("num-other-sentinels", "2")
          .containsEntry("quorum", "2")
          .containsEntry("down-after-milliseconds", "1000");
    }
  }

  @Test
  void everyProcess_requiresThePassword() {
    for (RedisServer server : concat(group.nodes(), group.sentinels())) {
      assertThat(server.password()).isEqualTo(PASSWORD);
      RedisURI anonymous = RedisURI.create("redis://127.0.0.1:" + server.port());
      assertThatThrownBy(() -> client.connect(anonymous).sync().ping())
          .as("%s without the password", server)
          .isInstanceOf(RedisException.class);
      assertThat(server.command("PING")).isEqualTo("PONG");
    }
  }

  @Test
  void redisUri_reachesTheMasterThroughTheSentinels_withThePassword() {
    RedisURI uri = group.redisUri();

    assertThat(uri.getSentinelMasterId()).isEqualTo("mymaster");
    assertThat(uri.getSentinels())
        .extracting(RedisURI::getPort)
        .containsExactlyElementsOf(group.sentinels().stream().map(RedisServer::port).toList());
    try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
      connection.sync().set("redis-uri-key", "value");
      assertThat(connection.sync().info("replication")).contains("role:master");
    }
    assertThat(group.master().command("GET", "redis-uri-key")).isEqualTo("value");
  }

  @Test
  void uri_isLettuceSyntax_withThePasswordEncoded() {
    String hosts =
        String.join(",", group.sentinels().stream().map(s -> "127.0.0.1:" + s.port()).toList());
    assertThat(group.uri())
        .isEqualTo("redis-sentinel://:s3cr%3Aet%40%2F%25%C3%A9@" + hosts + "/0#mymaster");

    RedisURI uri = RedisURI.create(group.uri());
    assertThat(uri.getSentinelMasterId()).isEqualTo("mymaster");
    assertThat(uri.getDatabase()).isZero();
    assertThat(uri.getSentinels())
        .extracting(RedisURI::getPort)
        .containsExactlyElementsOf(group.sentinels().stream().map(RedisServer::port).toList());
    assertThat(uri.getCredentialsProvider().resolveCredentials().block().getPassword())
        .isEqualTo(PASSWORD.toCharArray());
    // Lettuce applies a URI's password to the data nodes only; Sentinels need it copied over.
    for (RedisURI sentinel : uri.getSentinels()) {
      sentinel.setCredentialsProvider(uri.getCredentialsProvider());
    }
    try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
      connection.sync().set("uri-key", "value");
    }
    assertThat(group.master().command("GET", "uri-key")).isEqualTo("value");
  }

  @Test
  void bitnamiStyleUri_withoutTheColon_meansTheSamePasswordToLettuce() {
    RedisURI bitnami = RedisURI.create("redis-sentinel://pass@127.0.0.1:1,127.0.0.1:2/0#mymaster");
    RedisURI kit = RedisURI.create("redis-sentinel://:pass@127.0.0.1:1,127.0.0.1:2/0#mymaster");

    for (RedisURI uri : List.of(bitnami, kit)) {
      RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block();
      assertThat(credentials.hasUsername()).isFalse();
      assertThat(credentials.getPassword()).isEqualTo("pass".toCharArray());
      assertThat(uri.getSentinelMasterId()).isEqualTo("mymaster");
    }
  }

  @Test
  void killMaster_thenAwaitFailover_promotesAReplica_andRestartMakesTheOldOneAReplica() {
    RedisServer old = group.killMaster();

    assertThat(old.isRunning()).isFalse();
    RedisServer promoted = group.awaitFailover(FAILOVER);

    assertThat(promoted).isNotSameAs(old);
    assertThat(group.master()).isSameAs(promoted);
    assertThat(promoted.command("ROLE")).startsWith("[master");
    assertThat(group.replicas()).contains(old);

    group.restart(old);

    assertThat(group.master()).isSameAs(promoted);
    assertThat(old.info(Duration.ofSeconds(5), "replication"))
        .containsEntry("role", "slave")
        .containsEntry("master_port", Integer.toString(promoted.port()))
        .containsEntry("master_link_status", "up");
  }

  /** The sequence the core's fencing test relies on (issue 3): an acknowledged write vanishes. */
  @Test
  void failoverThatLosesWrites_theKeyIsAbsentOnTheNewMaster() {
    RedisServer master = group.master();
    master.command("SET", "replicated", "1");
    assertThat(master.command("WAIT", "2", "5000")).isEqualTo("2");

    group.cutReplication();
    assertThat(master.command("SET", "lost", "1")).isEqualTo("OK");
    assertThat(master.command("WAIT", "1", "100")).isEqualTo("0");
    group.killMaster();
    group.resumeReplicas();
    RedisServer promoted = group.awaitFailover(FAILOVER);

    assertThat(promoted).isNotSameAs(master);
    assertThat(promoted.command("GET", "lost")).isNull();
    assertThat(promoted.command("GET", "replicated")).isEqualTo("1");
  }

  @Test
  void cutReplication_holdsWhileTheReplicasAreFrozen_andTheyCatchUpWithALiveMaster() {
    RedisServer master = group.master();
    List<RedisServer> replicas = group.replicas();

    group.cutReplication();

    assertThat(replicas).allMatch(RedisServer::isPaused);
    assertThat(master.info(Duration.ofSeconds(5), "replication"))
        .containsEntry("connected_slaves", "0");
    assertThatThrownBy(group::cutReplication).isInstanceOf(IllegalStateException.class);
    master.command("SET", "during-cut", "1");
    assertThat(master.command("WAIT", "1", "100")).isEqualTo("0");

    group.resumeReplicas();

    for (RedisServer replica : replicas) {
      await()
          .atMost(Timing.scaled(Duration.ofSeconds(15)))
          .untilAsserted(() -> assertThat(replica.command("GET", "during-cut")).isEqualTo("1"));
    }
    assertThat(group.master()).isSameAs(master);
  }

  @Test
  void failover_onCommand_movesTheMasterAndKeepsTheOldOneAsAReplica() {
    RedisServer old = group.master();
    old.command("SET", "before-failover", "1");
    old.command("WAIT", "2", "5000");

    RedisServer promoted = group.failover();

    assertThat(promoted).isNotSameAs(old);
    assertThat(group.master()).isSameAs(promoted);
    assertThat(promoted.command("GET", "before-failover")).isEqualTo("1");
    assertThat(old.isRunning()).isTrue();
    assertThat(old.info(Duration.ofSeconds(5), "replication"))
        .containsEntry("role", "slave")
        .containsEntry("master_port", Integer.toString(promoted.port()));
  }

  @Test
  void restart_ofASentinel_bringsItBackKnowingTheGroup() {
    RedisServer sentinel = group.sentinels().get(1);
    long pid = sentinel.pid();

    group.restart(sentinel);

    assertThat(sentinel.pid()).isNotEqualTo(pid);
    Map<String, String> state =
        Replies.pairs(sentinel.call(Duration.ofSeconds(5), "SENTINEL", "MASTER", "mymaster"));
    assertThat(state)
        .containsEntry("port", Integer.toString(group.master().port()))
        .containsEntry("num-other-sentinels", "2");
  }

  @Test
  void restart_rejectsAServerOfAnotherGroup() {
    try (RedisServer stranger = RedisServer.start()) {
      assertThatThrownBy(() -> group.restart(stranger))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void builder_rejectsBadAndRepeatedOptions() {
    SentinelGroup.Builder builder =
        SentinelGroup.builder().password("p").masterName("m").downAfter(Duration.ofSeconds(2));

    assertThatThrownBy(() -> builder.password("q")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> builder.masterName("n")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> builder.downAfter(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> SentinelGroup.builder().password(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SentinelGroup.builder().password("has space"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unquoted");
    assertThatThrownBy(() -> SentinelGroup.builder().password("quote\""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SentinelGroup.builder().masterName("my master"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SentinelGroup.builder().downAfter(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SentinelGroup.builder().failoverTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static List<RedisServer> concat(List<RedisServer> a, List<RedisServer> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
