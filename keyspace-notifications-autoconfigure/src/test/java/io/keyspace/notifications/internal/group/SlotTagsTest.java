package io.keyspace.notifications.internal.group;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

import static org.assertj.core.api.Assertions.assertThat;

class SlotTagsTest {

	@Test
	void everySlotHasAShortTagThatHashesToIt() {
		for (int slot = 0; slot < 16384; slot++) {
			String tag = SlotTags.of(slot);
			assertThat(JedisClusterCRC16.getSlot("prefix:{" + tag + "}:suffix")).isEqualTo(slot);
			assertThat(tag).hasSizeLessThanOrEqualTo(4);
		}
	}

}
