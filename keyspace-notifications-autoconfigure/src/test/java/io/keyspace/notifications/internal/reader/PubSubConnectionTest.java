package io.keyspace.notifications.internal.reader;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PubSubConnectionTest {

	@Test
	void seesJedisReadBufferSoBurstsAreBatched() {
		// If a Jedis upgrade renames RedisInputStream's fields, batching silently turns off
		// and throughput drops; this makes the upgrade fail loudly instead.
		assertThat(PubSubConnection.canSeeReadBuffer()).isTrue();
	}

}
