package io.keyspace.sample.status;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedisAddressTest {

	@Test
	void isAtTheNodeItNamesAlsoWhenSentinelNamedIt() {
		assertThat(new RedisAddress("127.0.0.1:6379", "redis-cli").isAt("127.0.0.1:6379")).isTrue();
		assertThat(new RedisAddress("10.0.0.1:6379 (master mymaster, from Sentinel)", "redis-cli -h 10.0.0.1")
			.isAt("10.0.0.1:6379")).isTrue();
	}

	@Test
	void isNotAtAnotherNodeEvenWithAPortThatStartsTheSame() {
		assertThat(new RedisAddress("127.0.0.1:6379", "redis-cli").isAt("127.0.0.1:637")).isFalse();
		assertThat(new RedisAddress("127.0.0.1:6379", "redis-cli").isAt("127.0.0.1:6380")).isFalse();
	}

}
