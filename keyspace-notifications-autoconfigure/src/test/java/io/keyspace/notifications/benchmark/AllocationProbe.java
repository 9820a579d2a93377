package io.keyspace.notifications.benchmark;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.StandaloneKeyspaceNotifications;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.testing.RedisServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import static org.awaitility.Awaitility.await;

/**
 * Bytes allocated per notification by every thread but the writer's, for a raw Jedis
 * {@code PSUBSCRIBE} loop and for {@link StandaloneKeyspaceNotifications} (both decode the key,
 * as a handler would): garbage is what makes young collections land in a latency run, and
 * unlike time it is not noisy. Run with {@code ./mvnw -q -pl keyspace-notifications-autoconfigure
 * exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.keyspace.notifications.benchmark.AllocationProbe}.
 */
public final class AllocationProbe {

	private static final int COUNT = Integer.getInteger("count", 200_000);

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private AllocationProbe() {
	}

	public static void main(String[] args) throws Exception {
		try (RedisServer server = RedisServer.builder().config("notify-keyspace-events", "K$").start()) {
			Machine.print();
			List<Double> rawBytes = new ArrayList<>();
			List<Double> coreBytes = new ArrayList<>();
			for (int round = 1; round <= 3; round++) {
				AtomicInteger raw = new AtomicInteger();
				String rawPrefix = "raw" + round + ":";
				try (RawPatternLoop loop = new RawPatternLoop(server::jedis, rawPrefix, (channel) -> {
					new String(channel, StandardCharsets.UTF_8);
					raw.incrementAndGet();
				})) {
					rawBytes.add(print(round, "raw-jedis", measure(server, rawPrefix, raw)));
				}
				AtomicInteger core = new AtomicInteger();
				String corePrefix = "core" + round + ":";
				try (StandaloneKeyspaceNotifications notifications = new StandaloneKeyspaceNotifications(
						new RedisNode(server.host(), server.port()), ConnectionSettings.defaults(),
						NotificationOptions.defaults())) {
					notifications.subscribe((n) -> {
						n.key();
						core.incrementAndGet();
					}, new KeyspaceChannel(corePrefix + "*"));
					coreBytes.add(print(round, "keyspace-notifications", measure(server, corePrefix, core)));
				}
			}
			System.out.printf(Locale.ROOT, "keyspace-notifications / raw Jedis bytes per notification: %.2f "
					+ "(median of same-round ratios)%n", Machine.medianRatio(coreBytes, rawBytes));
			Machine.print();
		}
	}

	/** @return bytes allocated per notification while {@code COUNT} of them are written and received */
	private static double measure(RedisServer server, String prefix, AtomicInteger received) {
		long before = allocatedByOthers();
		try (Jedis writer = server.jedis()) {
			Pipeline pipeline = writer.pipelined();
			for (int i = 0; i < COUNT; i++) {
				pipeline.set(prefix + i, "v");
				if (i % 1_000 == 999) {
					pipeline.sync();
				}
			}
			pipeline.sync();
		}
		await().atMost(Duration.ofMinutes(1)).until(() -> received.get() == COUNT);
		return (allocatedByOthers() - before) / (double) COUNT;
	}

	/** Bytes allocated by every live thread except this one, which writes. */
	private static long allocatedByOthers() {
		long[] ids = THREADS.getAllThreadIds();
		long all = Arrays.stream(THREADS.getThreadAllocatedBytes(ids)).filter((bytes) -> bytes > 0).sum();
		return all - THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
	}

	private static double print(int round, String consumer, double bytes) {
		System.out.printf(Locale.ROOT, "round %d %-24s %6.1f bytes/notification%n", round, consumer, bytes);
		return bytes;
	}

}
