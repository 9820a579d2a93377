package io.keyspace.notifications.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
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
import redis.clients.jedis.Jedis;

/**
 * How long subscribing many exact-key channels takes on a local 3-primary cluster: one
 * {@code subscribe} call each (each routes its channel to every primary and waits for the
 * confirmation of the key's owner; the time per thousand is printed, so a cost that grows
 * with what is already subscribed shows), and a listener container starting with one
 * endpoint per key, as for that many {@code @OnKeyEvent} methods.
 * <p>
 * The two run in turns, {@code -Drounds} times (default 5), each on fresh notifications and
 * keys, the order swapped every round; the medians close the output. The first measurement
 * of the JVM (the core API in round 1) also pays for the JIT warming up and for the first
 * connections, as an application's start does. The machine (cores, load average, JDK, Redis)
 * is printed first, and the load average with every round: on a shared machine it says how
 * much of a figure is the neighbours'.
 * Run with {@code ./mvnw -q -pl keyspace-notifications-autoconfigure test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.keyspace.notifications.benchmark.ClusterSubscribeBenchmark}
 * ({@code -Dchannels=10000 -Drounds=5}).
 */
public final class ClusterSubscribeBenchmark {

	private static final int CHANNELS = Integer.getInteger("channels", 10_000);

	private static final int ROUNDS = Integer.getInteger("rounds", 5);

	private ClusterSubscribeBenchmark() {
	}

	public static void main(String[] args) {
		try (LocalRedisCluster cluster = LocalRedisCluster.builder().replicasPerPrimary(0).start()) {
			System.out.printf(Locale.ROOT, "machine: %d cores, load average %s, JDK %s (%s), %s, redis-server %s%n",
					Runtime.getRuntime().availableProcessors(), loadAverage(), System.getProperty("java.version"),
					System.getProperty("java.vm.name"), System.getProperty("os.name"), redisVersion(cluster));
			System.out.printf(Locale.ROOT, "%,d exact-key channels on %d primaries, %d rounds%n", CHANNELS,
					cluster.primaries().size(), ROUNDS);
			List<Double> core = new ArrayList<>();
			List<Double> container = new ArrayList<>();
			for (int round = 1; round <= ROUNDS; round++) {
				System.out.printf(Locale.ROOT, "round %d (load average %s)%n", round, loadAverage());
				if (round % 2 == 1) {
					core.add(coreApi(cluster, "core" + round + ":"));
					container.add(container(cluster, "spring" + round + ":"));
				}
				else {
					container.add(container(cluster, "spring" + round + ":"));
					core.add(coreApi(cluster, "core" + round + ":"));
				}
			}
			System.out.printf(Locale.ROOT, "core API, one subscribe call per channel: median %.2f s of %s%n",
					median(core), seconds(core));
			System.out.printf(Locale.ROOT,
					"listener container, %,d @OnKeyEvent-style endpoints started at once: median %.2f s of %s%n",
					CHANNELS, median(container), seconds(container));
			System.out.printf(Locale.ROOT, "load average at the end: %s%n", loadAverage());
		}
	}

	/** Seconds to subscribe the channels one {@code subscribe} call each, printing each thousand's time. */
	private static double coreApi(LocalRedisCluster cluster, String prefix) {
		try (ClusterKeyspaceNotifications notifications = notifications(cluster)) {
			AtomicLong delivered = new AtomicLong();
			StringJoiner laps = new StringJoiner(" ");
			long start = System.nanoTime();
			long lap = start;
			for (int i = 0; i < CHANNELS; i++) {
				KeyNotificationHandler handler = (n) -> delivered.incrementAndGet();
				notifications.subscribe(handler, new KeyspaceChannel(prefix + i));
				if ((i + 1) % 1000 == 0) {
					long now = System.nanoTime();
					laps.add(String.format(Locale.ROOT, "%.0f", (now - lap) / 1e6));
					lap = now;
				}
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			System.out.printf(Locale.ROOT, "  core API, one subscribe call per channel: %.2f s (ms per thousand: %s)%n",
					seconds, laps);
			return seconds;
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
			System.out.printf(Locale.ROOT, "  listener container, %,d endpoints started at once: %.2f s%n", CHANNELS,
					seconds);
			return seconds;
		}
	}

	private static ClusterKeyspaceNotifications notifications(LocalRedisCluster cluster) {
		return new ClusterKeyspaceNotifications(cluster.seedNodes().stream().map(RedisNode::parse).toList(),
				ConnectionSettings.defaults(), NotificationOptions.defaults(), Duration.ofSeconds(5));
	}

	private static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

	private static String seconds(List<Double> values) {
		StringJoiner joined = new StringJoiner(", ", "[", "]");
		values.forEach((value) -> joined.add(String.format(Locale.ROOT, "%.2f", value)));
		return joined.toString();
	}

	/** The 1, 5 and 15 minute load averages, from {@code /proc/loadavg} where there is one. */
	private static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (IOException | RuntimeException ex) {
			return String.format(Locale.ROOT, "%.2f",
					java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
		}
	}

	private static String redisVersion(LocalRedisCluster cluster) {
		try (Jedis jedis = cluster.primaries().get(0).jedis()) {
			return jedis.info("server").lines().filter((line) -> line.startsWith("redis_version:")).findFirst()
				.map((line) -> line.substring("redis_version:".length()).trim()).orElse("?");
		}
	}

}
