package io.redmutex.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.cluster.SlotHash;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Wire protocol v2 key naming, and that side keys share the lock key's cluster slot. */
class LockKeysTest {

  @Test
  void plainName_isTheKey_andSideKeysWrapItInAHashTag() {
    LockKeys keys = LockKeys.of("", "orders:42");
    assertThat(keys.key()).isEqualTo("orders:42");
    assertThat(keys.v1FenceKey()).isEqualTo("{orders:42}:fence");
    assertThat(keys.channel()).isEqualTo("{orders:42}:wake");
  }

  @Test
  void prefix_isPrependedToTheKey() {
    LockKeys keys = LockKeys.of("locks:", "orders:42");
    assertThat(keys.key()).isEqualTo("locks:orders:42");
    assertThat(keys.name()).isEqualTo("orders:42");
    assertThat(keys.v1FenceKey()).isEqualTo("{locks:orders:42}:fence");
  }

  @Test
  void nameWithHashTag_keepsIt_andSideKeysAppendTheSuffix() {
    LockKeys keys = LockKeys.of("", "{customer:7}:orders");
    assertThat(keys.v1FenceKey()).isEqualTo("{customer:7}:orders:fence");
    assertThat(keys.channel()).isEqualTo("{customer:7}:orders:wake");
  }

  @Test
  void sideKeys_areInTheLockKeysSlot_forAwkwardNames() {
    for (String name :
        new String[] {"a", "orders:42", "{x}", "{x}y", "a{b", "a{b}c{d}", "a{b}}", "}{x}", "é€"}) {
      LockKeys keys = LockKeys.of("", name);
      int slot = SlotHash.getSlot(keys.key());
      assertThat(SlotHash.getSlot(keys.v1FenceKey())).as(name).isEqualTo(slot);
      assertThat(SlotHash.getSlot(keys.channel())).as(name).isEqualTo(slot);
      assertThat(SlotHash.getSlot(keys.waitersKey())).as(name).isEqualTo(slot);
      assertThat(SlotHash.getSlot(FenceRecords.perSlot().of(keys.key()))).as(name).isEqualTo(slot);
      assertThat(FenceRecords.single().of(keys.key())).isEqualTo("redmutex:fence");
    }
  }

  @Test
  void fenceRecords_areRecognised_andNothingElseIs() {
    assertThat(FenceRecords.isRecord("redmutex:fence")).isTrue();
    assertThat(FenceRecords.isRecord(FenceRecords.ofSlot(0))).isTrue();
    assertThat(FenceRecords.isRecord(FenceRecords.ofSlot(16383))).isTrue();
    // Not the table's name for its slot (a leading zero), or not a record's name at all.
    assertThat(FenceRecords.isRecord("redmutex:fence:{0" + FenceRecords.ofSlot(0).substring(16)))
        .isFalse();
    assertThat(FenceRecords.isRecord("redmutex:fence:x")).isFalse();
    assertThat(FenceRecords.isRecord("orders:42")).isFalse();
  }

  @Test
  void fenceRecordOfASlot_isTheSmallestNumberThatHashesToIt() {
    // The rule another client must compute the same way (docs/interop.md): N is the smallest
    // non-negative integer whose decimal text lands in the slot.
    int[] lowest = new int[SlotHash.SLOT_COUNT];
    java.util.Arrays.fill(lowest, -1);
    for (int n = 0; n < 400_000; n++) {
      int slot = SlotHash.getSlot(Integer.toString(n));
      if (lowest[slot] < 0) {
        lowest[slot] = n;
      }
    }
    for (int slot = 0; slot < SlotHash.SLOT_COUNT; slot++) {
      assertThat(lowest[slot]).as("slot %d", slot).isNotNegative();
      assertThat(FenceRecords.ofSlot(slot)).isEqualTo("redmutex:fence:{" + lowest[slot] + "}");
    }
    assertThat(FenceRecords.ofSlot(SlotHash.getSlot("0"))).isEqualTo("redmutex:fence:{0}");
  }

  @Test
  void nameLength_isCountedInUtf8Bytes_atTheLimit() {
    // 341 chars of 3 bytes: the longest name not encoded to be counted; 342 of them: too long.
    assertThat(LockKeys.of("", "€".repeat(341)).key()).hasSize(341);
    assertThatThrownBy(() -> LockKeys.of("", "€".repeat(342)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 1026 bytes");
    // Surrogate pairs: 4 bytes for 2 chars; 256 of them make 1024 bytes, one more is too many.
    assertThat(LockKeys.of("", "😀".repeat(256)).key()).hasSize(512);
    assertThatThrownBy(() -> LockKeys.of("", "😀".repeat(257)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 1028 bytes");
    assertThat(LockKeys.of("", "x".repeat(1024)).key()).hasSize(1024);
    assertThatThrownBy(() -> LockKeys.of("", "x".repeat(1025)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 1025 bytes");
  }

  @Test
  void closingBraceWithoutHashTag_isRejected() {
    assertThatThrownBy(() -> LockKeys.of("", "a}b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hash tag");
    for (String name : new String[] {"a{}b", "{}", "x}"}) {
      assertThatThrownBy(() -> LockKeys.of("", name))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void tokens_are22UrlSafeCharacters_andUnique() {
    Tokens tokens = new Tokens();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String token = tokens.next();
      assertThat(token).hasSize(22).matches("[A-Za-z0-9_-]+");
      assertThat(seen.add(token)).isTrue();
    }
  }

  @Test
  void uris_redactPasswords() {
    assertThat(RedisUris.redact("redis://secret@host:6379")).isEqualTo("redis://***@host:6379");
    assertThat(RedisUris.redact("redis://user:secret@host")).isEqualTo("redis://user:***@host");
    assertThat(RedisUris.redact("redis://host")).isEqualTo("redis://host");
  }
}
