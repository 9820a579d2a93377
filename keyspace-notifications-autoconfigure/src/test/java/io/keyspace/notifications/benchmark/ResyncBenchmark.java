package io.keyspace.notifications.benchmark;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.management.OperatingSystemMXBean;
import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.ResyncListener;
import io.keyspace.notifications.ResyncPass;
import io.keyspace.notifications.ResyncSettings;
import io.keyspace.notifications.StandaloneKeyspaceNotifications;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.testing.RedisServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What a resync pass costs on a big keyspace, against its baseline in the same run: a plain
 * Jedis loop of {@code SCAN MATCH acc:* COUNT batch} over the same keys, counting them. A
 * pass does that plus one {@code resync} call per key through the handler lanes. Printed per
 * round: wall time and this JVM's CPU time of each, and their ratios; rounds alternate.
 * The server holds {@code -Dkeys} matching keys (default 500,000) and as many that do not match.
 * Run with {@code ./mvnw -q -pl keyspace-notifications-autoconfigure test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.keyspace.notifications.benchmark.ResyncBenchmark}
 * ({@code -Dkeys=500000 -Drounds=3 -DbatchSize=1000}).
 */
public final class ResyncBenchmark {

	private static final int KEYS = Integer.getInteger("keys", 500_000);

	private static final int ROUNDS = Integer.getInteger("rounds", 3);

	private static final int BATCH = Integer.getInteger("batchSize", 1000);

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private ResyncBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Machine.print();
		try (RedisServer server = RedisServer.builder().config("notify-keyspace-events", "K$").start()) {
			fill(server);
			System.out.printf(Locale.ROOT, "%,d matching keys (and %,d others), SCAN COUNT %d, no rate limit%n", KEYS,
					KEYS, BATCH);
			List<Double> raws = new ArrayList<>();
			List<Double> passes = new ArrayList<>();
			for (int round = 1; round <= ROUNDS; round++) {
				Cost raw = measure(() -> rawScan(server));
				Cost pass = measure(() -> resyncPass(server));
				raws.add(raw.seconds());
				passes.add(pass.seconds());
				System.out.printf(Locale.ROOT,
						"round %d: raw SCAN %.2f s (cpu %.2f s), resync pass %.2f s (cpu %.2f s): wall %.2fx, cpu %.2fx%n",
						round, raw.seconds(), raw.cpuSeconds(), pass.seconds(), pass.cpuSeconds(),
						pass.seconds() / raw.seconds(), pass.cpuSeconds() / raw.cpuSeconds());
			}
			System.out.printf(Locale.ROOT, "pass / raw SCAN, wall: %.2f (median of same-round ratios)%n",
					Machine.medianRatio(passes, raws));
			Machine.print();
		}
	}

	private static void fill(RedisServer server) {
		try (Jedis jedis = server.jedis(); Pipeline pipeline = jedis.pipelined()) {
			for (int i = 0; i < KEYS; i++) {
				pipeline.set("acc:" + i, "v");
				pipeline.set("other:" + i, "v");
			}
		}
	}

	private static long rawScan(RedisServer server) {
		long found = 0;
		try (Jedis jedis = server.jedis()) {
			ScanParams params = new ScanParams().match("acc:*").count(BATCH);
			String cursor = ScanParams.SCAN_POINTER_START;
			do {
				ScanResult<String> page = jedis.scan(cursor, params);
				found += page.getResult().size();
				cursor = page.getCursor();
			}
			while (!"0".equals(cursor));
		}
		return found;
	}

	private static long resyncPass(RedisServer server) throws InterruptedException {
		AtomicLong handled = new AtomicLong();
		CountDownLatch completed = new CountDownLatch(1);
		NotificationOptions options = NotificationOptions.builder().resync(new ResyncSettings(BATCH, 0)).build();
		try (StandaloneKeyspaceNotifications notifications = new StandaloneKeyspaceNotifications(
				new RedisNode(server.host(), server.port()), ConnectionSettings.defaults(), options)) {
			notifications.subscribeResynced((n) -> handled.incrementAndGet(), new ResyncListener() {

				@Override
				public void completed(ResyncPass pass) {
					completed.countDown();
				}

			}, new KeyspaceChannel("acc:*"));
			if (!completed.await(10, TimeUnit.MINUTES)) {
				throw new IllegalStateException("The pass did not complete within 10 minutes");
			}
		}
		return handled.get();
	}

	private static Cost measure(Run run) throws Exception {
		long cpu = OS.getProcessCpuTime();
		long start = System.nanoTime();
		long keys = run.keys();
		Cost cost = new Cost((System.nanoTime() - start) / 1e9, (OS.getProcessCpuTime() - cpu) / 1e9);
		if (keys != KEYS) {
			throw new IllegalStateException("Found " + keys + " keys instead of " + KEYS);
		}
		return cost;
	}

	@FunctionalInterface
	private interface Run {

		long keys() throws Exception;

	}

	private record Cost(double seconds, double cpuSeconds) {
	}

}
