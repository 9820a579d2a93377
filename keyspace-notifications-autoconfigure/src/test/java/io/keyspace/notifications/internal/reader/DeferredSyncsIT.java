package io.keyspace.notifications.internal.reader;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.testing.RedisServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Subscriptions nobody waits for go out together, a moment later, and the writer thread ends with close. */
class DeferredSyncsIT {

	private static final Duration QUICK = Duration.ofSeconds(5);

	@Test
	void manyChangesInARowGoOutAsFewCommandsAndAllAreConfirmed() {
		try (RedisServer server = RedisServer.builder().start(); Jedis jedis = server.jedis()) {
			NodeSubscriber subscriber = new NodeSubscriber(new RedisNode(server.host(), server.port()),
					ConnectionSettings.defaults(), (node, pattern, channel, message) -> {
					}, NodeListener.NONE);
			DeferredSyncs later = new DeferredSyncs();
			try {
				List<byte[]> first = List.of(bytes("first"));
				subscriber.want(first, List.of());
				subscriber.start();
				subscriber.sync();
				subscriber.awaitConfirmed(first, List.of(), QUICK);
				jedis.configResetStat();

				List<byte[]> channels = new ArrayList<>();
				for (int i = 0; i < 2_000; i++) {
					List<byte[]> one = List.of(bytes("deferred:" + i));
					subscriber.want(one, List.of());
					later.syncSoon(subscriber);
					channels.add(one.get(0));
				}
				subscriber.awaitConfirmed(channels, List.of(), QUICK);

				assertThat(subscribeCalls(jedis)).as("SUBSCRIBE commands for 2,000 channels").isBetween(1L, 100L);
				assertThat(subscriber.isFullySubscribed()).isTrue();
			}
			finally {
				subscriber.close();
				later.close();
			}
			await().atMost(QUICK).until(() -> Thread.getAllStackTraces().keySet().stream()
				.noneMatch((thread) -> thread.getName().equals("keyspace-subscribe-writer") && thread.isAlive()));
		}
	}

	@Test
	void aSyncAfterCloseIsDropped() {
		DeferredSyncs later = new DeferredSyncs();
		later.close();
		NodeSubscriber subscriber = new NodeSubscriber(new RedisNode("127.0.0.1", 1), ConnectionSettings.defaults(),
				(node, pattern, channel, message) -> {
				}, NodeListener.NONE);
		later.syncSoon(subscriber);
		later.syncSoon(subscriber);
		assertThat(subscriber.isConnected()).as("never started, never synced").isFalse();
		subscriber.close();
	}

	private static long subscribeCalls(Jedis jedis) {
		Matcher calls = Pattern.compile("cmdstat_subscribe:calls=(\\d+)").matcher(jedis.info("commandstats"));
		return calls.find() ? Long.parseLong(calls.group(1)) : 0;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
