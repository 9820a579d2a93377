package io.keyspace.notifications;

import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks that each change arrived once, from the nodes expected: what reading one node per shard promises. */
final class ExactlyOnce {

	private ExactlyOnce() {
	}

	/**
	 * Sets {@code count} keys {@code prefix0..} and a last one on {@code master}, waits for the
	 * last, then asserts every key was delivered exactly once and only by {@code node}.
	 */
	static void writeAndAssert(Jedis master, String prefix, int count, RecordingHandler handler, String node) {
		for (int i = 0; i < count; i++) {
			master.set(prefix + i, "v");
		}
		master.set(prefix + "last", "v");
		handler.awaitNotification(prefix + "last", "set");
		assertEachOnce(handler, count + 1);
		assertThat(handler.received()).allSatisfy((n) -> assertThat(n.node()).isEqualTo(node));
	}

	/** Every key the handler received came exactly once, and there are {@code keys} of them. */
	static void assertEachOnce(RecordingHandler handler, int keys) {
		assertThat(deliveries(handler.keys())).hasSize(keys)
			.allSatisfy((key, count) -> assertThat(count).as("deliveries of %s", key).isEqualTo(1));
	}

	private static Map<String, Long> deliveries(Collection<String> keys) {
		return keys.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
	}

}
