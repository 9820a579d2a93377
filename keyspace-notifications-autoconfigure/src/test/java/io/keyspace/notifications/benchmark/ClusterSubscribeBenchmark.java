package io.keyspace.notifications.benchmark;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import io.keyspace.notifications.ClusterKeyspaceNotifications;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.testing.LocalRedisCluster;

/**
 * How long subscribing many exact-key channels one call at a time takes on a local
 * 3-primary cluster, as a listener container does for as many {@code @OnKeyEvent} handlers:
 * each call routes its channel to the key's owner and waits for that server's confirmation.
 * Prints the time per thousand, so a cost that grows with what is already subscribed shows.
 * Run with {@code ./mvnw -q -pl keyspace-notifications-autoconfigure test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.keyspace.notifications.benchmark.ClusterSubscribeBenchmark}
 * ({@code -Dchannels=10000}).
 */
public final class ClusterSubscribeBenchmark {

	private static final int CHANNELS = Integer.getInteger("channels", 10_000);

	private ClusterSubscribeBenchmark() {
	}

	public static void main(String[] args) {
		try (LocalRedisCluster cluster = LocalRedisCluster.builder().replicasPerPrimary(0).start();
				ClusterKeyspaceNotifications notifications = new ClusterKeyspaceNotifications(
						cluster.seedNodes().stream().map(RedisNode::parse).toList(), ConnectionSettings.defaults(),
						NotificationOptions.defaults(), Duration.ofSeconds(5))) {
			AtomicLong delivered = new AtomicLong();
			long start = System.nanoTime();
			long lap = start;
			for (int i = 0; i < CHANNELS; i++) {
				KeyNotificationHandler handler = (n) -> delivered.incrementAndGet();
				notifications.subscribe(handler, new KeyspaceChannel("bench:key:" + i));
				if ((i + 1) % 1000 == 0) {
					long now = System.nanoTime();
					System.out.printf(Locale.ROOT, "channels %,6d: last thousand in %5.0f ms%n", i + 1, (now - lap) / 1e6);
					lap = now;
				}
			}
			System.out.printf(Locale.ROOT, "%,d exact-key channels subscribed one call each on %d primaries in %.2f s%n",
					CHANNELS, cluster.primaries().size(), (System.nanoTime() - start) / 1e9);
		}
	}

}
