package io.keyspace.notifications.benchmark;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import io.keyspace.notifications.ClusterKeyspaceNotifications;
import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.listener.KeyEventEndpoint;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;
import io.keyspace.notifications.testing.LocalRedisCluster;

/**
 * How long subscribing many exact-key channels takes on a local 3-primary cluster: one
 * {@code subscribe} call each (each routes its channel to the key's owner and waits for that
 * server's confirmation; the time per thousand is printed, so a cost that grows with what is
 * already subscribed shows), and a listener container starting with one endpoint per key,
 * as for that many {@code @OnKeyEvent} methods.
 * Run with {@code ./mvnw -q -pl keyspace-notifications-autoconfigure test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.keyspace.notifications.benchmark.ClusterSubscribeBenchmark}
 * ({@code -Dchannels=10000}).
 */
public final class ClusterSubscribeBenchmark {

	private static final int CHANNELS = Integer.getInteger("channels", 10_000);

	private ClusterSubscribeBenchmark() {
	}

	public static void main(String[] args) {
		try (LocalRedisCluster cluster = LocalRedisCluster.builder().replicasPerPrimary(0).start()) {
			System.out.printf(Locale.ROOT, "core API, one subscribe call per channel: %.2f s%n", coreApi(cluster, "core:"));
			System.out.printf(Locale.ROOT, "listener container, %,d @OnKeyEvent-style endpoints started at once: %.2f s%n",
					CHANNELS, container(cluster, "spring:"));
		}
	}

	/** Seconds to subscribe the channels one {@code subscribe} call each, printing each thousand's time. */
	private static double coreApi(LocalRedisCluster cluster, String prefix) {
		try (ClusterKeyspaceNotifications notifications = notifications(cluster)) {
			AtomicLong delivered = new AtomicLong();
			long start = System.nanoTime();
			long lap = start;
			for (int i = 0; i < CHANNELS; i++) {
				KeyNotificationHandler handler = (n) -> delivered.incrementAndGet();
				notifications.subscribe(handler, new KeyspaceChannel(prefix + i));
				if ((i + 1) % 1000 == 0) {
					long now = System.nanoTime();
					System.out.printf(Locale.ROOT, "channels %,6d: last thousand in %5.0f ms%n", i + 1, (now - lap) / 1e6);
					lap = now;
				}
			}
			return (System.nanoTime() - start) / 1e9;
		}
	}

	/**
	 * Seconds for a listener container to start with one endpoint per exact key, as the
	 * application context does for that many {@code @OnKeyEvent} methods.
	 */
	private static double container(LocalRedisCluster cluster, String prefix) {
		try (ClusterKeyspaceNotifications notifications = notifications(cluster)) {
			KeyspaceNotificationListenerContainer container = new KeyspaceNotificationListenerContainer(notifications);
			for (int i = 0; i < CHANNELS; i++) {
				KeyNotificationHandler handler = (n) -> {
				};
				container.register(new KeyEventEndpoint("Handler" + i + "#onKey",
						List.of(new KeyspaceChannel(prefix + i)), handler));
			}
			long start = System.nanoTime();
			container.start();
			double seconds = (System.nanoTime() - start) / 1e9;
			container.stop();
			return seconds;
		}
	}

	private static ClusterKeyspaceNotifications notifications(LocalRedisCluster cluster) {
		return new ClusterKeyspaceNotifications(cluster.seedNodes().stream().map(RedisNode::parse).toList(),
				ConnectionSettings.defaults(), NotificationOptions.defaults(), Duration.ofSeconds(5));
	}

}
