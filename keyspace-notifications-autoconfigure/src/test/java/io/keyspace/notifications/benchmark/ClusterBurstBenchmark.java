package io.keyspace.notifications.benchmark;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.keyspace.notifications.ClusterKeyspaceNotifications;
import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.internal.cluster.ClusterTopology;
import io.keyspace.notifications.internal.cluster.ClusterTopologyReader;
import io.keyspace.notifications.testing.ClusterNode;
import io.keyspace.notifications.testing.LocalRedisCluster;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * The burst benchmark on a local 3-primary cluster: SETs spread over all slots, written with
 * one pipeline per primary, received by one raw Jedis {@link BinaryJedisPubSub} loop per
 * primary (the baseline) and by {@link ClusterKeyspaceNotifications} (one reader per primary,
 * one set of handler threads). Consumers take turns in each round; only the ratio of the
 * medians means something on a shared machine.
 * Run with {@code ./mvnw -q -pl keyspace-notifications-autoconfigure test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.keyspace.notifications.benchmark.ClusterBurstBenchmark}
 * ({@code -Dburst=600000 -Drounds=5}).
 */
public final class ClusterBurstBenchmark {

	private static final int BURST = Integer.getInteger("burst", 600_000);

	private static final int ROUNDS = Integer.getInteger("rounds", 5);

	private ClusterBurstBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Machine.print();
		try (LocalRedisCluster cluster = LocalRedisCluster.builder()
			.replicasPerPrimary(0)
			.config("notify-keyspace-events", "K$")
			.start()) {
			double[][] rates = new double[2][ROUNDS];
			for (int round = 0; round < ROUNDS; round++) {
				rates[0][round] = run(cluster, "raw" + round + ":", true);
				rates[1][round] = run(cluster, "kn" + round + ":", false);
				System.out.printf(Locale.ROOT, "round %d raw-jedis (one loop per primary) %,10.0f/s  "
						+ "keyspace-notifications %,10.0f/s  ratio %.2f%n", round + 1, rates[0][round], rates[1][round],
						rates[1][round] / rates[0][round]);
			}
			double raw = median(rates[0]);
			double ours = median(rates[1]);
			double[] ratios = new double[ROUNDS];
			for (int round = 0; round < ROUNDS; round++) {
				ratios[round] = rates[1][round] / rates[0][round];
			}
			System.out.printf(Locale.ROOT, "%n| consumer | median notifications/s | ratio (median of same-round ratios) |%n"
					+ "|---|---:|---:|%n| raw-jedis, one loop per primary | %,.0f | 1.00 |%n"
					+ "| keyspace-notifications | %,.0f | %.2f |%n", raw, ours, Machine.median(ratios));
			Machine.print();
		}
	}

	/** @return notifications per second, first to last; fails if any is missing */
	private static double run(LocalRedisCluster cluster, String prefix, boolean raw) throws Exception {
		cluster.flushAll();
		Counter counter = new Counter();
		AutoCloseable consumer = raw ? rawLoops(cluster, prefix, counter) : ours(cluster, prefix, counter);
		try {
			write(cluster, prefix);
			if (!counter.done.await(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Received " + counter.received.get() + " of " + BURST);
			}
			return BURST / ((counter.last - counter.first) / 1e9);
		}
		finally {
			consumer.close();
		}
	}

	private static void write(LocalRedisCluster cluster, String prefix) {
		ClusterTopology topology = new ClusterTopologyReader(ConnectionSettings.defaults())
			.read(cluster.seedNodes().stream().map(RedisNode::parse).toList());
		Map<RedisNode, Jedis> connections = new LinkedHashMap<>();
		Map<RedisNode, Pipeline> pipelines = new LinkedHashMap<>();
		for (ClusterNode primary : cluster.primaries()) {
			Jedis jedis = primary.jedis();
			RedisNode node = RedisNode.parse(primary.hostAndPort());
			connections.put(node, jedis);
			pipelines.put(node, jedis.pipelined());
		}
		for (int i = 0; i < BURST; i++) {
			String key = prefix + i;
			pipelines.get(topology.ownerOf(key.getBytes(StandardCharsets.UTF_8)).orElseThrow()).set(key, "v");
			if (i % 3000 == 2999) {
				pipelines.values().forEach(Pipeline::sync);
			}
		}
		pipelines.values().forEach(Pipeline::sync);
		connections.values().forEach(Jedis::close);
	}

	private static AutoCloseable ours(LocalRedisCluster cluster, String prefix, Counter counter) {
		ClusterKeyspaceNotifications notifications = new ClusterKeyspaceNotifications(
				cluster.seedNodes().stream().map(RedisNode::parse).toList(), ConnectionSettings.defaults(),
				NotificationOptions.defaults(), Duration.ofSeconds(5));
		notifications.subscribe((n) -> counter.increment(), new KeyspaceChannel(prefix + "*"));
		return notifications;
	}

	private static AutoCloseable rawLoops(LocalRedisCluster cluster, String prefix, Counter counter)
			throws InterruptedException {
		List<RawPatternLoop> loops = new ArrayList<>();
		for (ClusterNode primary : cluster.primaries()) {
			loops.add(new RawPatternLoop(primary::jedis, prefix, (channel) -> counter.increment()));
		}
		return () -> {
			for (RawPatternLoop loop : loops) {
				loop.close();
			}
		};
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		java.util.Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	/** Counts from any thread; remembers the first and the last arrival. */
	private static final class Counter {

		private final AtomicLong received = new AtomicLong();

		private final CountDownLatch done = new CountDownLatch(1);

		private volatile long first;

		private volatile long last;

		void increment() {
			long now = System.nanoTime();
			long count = this.received.incrementAndGet();
			if (count == 1) {
				this.first = now;
			}
			if (count == BURST) {
				this.last = now;
				this.done.countDown();
			}
		}

	}

}
