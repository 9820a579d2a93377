package io.keyspace.notifications.benchmark;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import com.sun.management.OperatingSystemMXBean;
import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.GroupSettings;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationGroups;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.StandaloneKeyspaceNotifications;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.testing.RedisServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;

/**
 * What handling each notification once across instances ({@link NotificationGroups}) costs
 * against handling it directly, measured in one run against one local redis-server: a burst
 * of SETs (pipelined), and the time from its first write until every notification was
 * handled, for
 * <ul>
 * <li>{@code direct}: a handler subscribed with {@code subscribe(handler, channel)} (the baseline);</li>
 * <li>{@code group-1}: the same handler in a group of one instance (forward into a stream,
 * read it with {@code XREADGROUP}, handle, {@code XACK});</li>
 * <li>{@code group-3}: three instances in the group, in this JVM, each with its own
 * subscription, Redis client and groups;</li>
 * <li>{@code direct-3}: three instances that each handle every notification (not run unless
 * named), what {@code group-3} replaces.</li>
 * </ul>
 * Besides the time, the CPU time per SET of the redis-server ({@code INFO cpu}, the SET and
 * its publishing included) and of this JVM (the writer included), from the first write until
 * everything was handled. Each run starts on an empty server, with the instances already
 * forwarding (a first key handled), and the streams long enough for the whole burst (the
 * default cap of 100,000 entries would trim a backlog of a 200,000 burst unread). The modes
 * take turns starting a round; the table shows the median of the rounds.
 * <p>
 * Run with {@code ./mvnw -q -pl keyspace-notifications-autoconfigure exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.keyspace.notifications.benchmark.GroupBenchmark}
 * after {@code test-compile} (system properties: {@code count} SETs per run, default 200,000;
 * {@code rounds}, default 3; {@code modes}, some of them by name, comma-separated, default
 * {@code direct,group-1,group-3}; {@code rate}, SETs per second instead of a burst, written a
 * millisecond's worth at a time; {@code batchSize}, the groups' batch size, default that of
 * {@link GroupSettings#defaults()}).
 */
public final class GroupBenchmark {

	private static final int COUNT = Integer.getInteger("count", 200_000);

	private static final int ROUNDS = Integer.getInteger("rounds", 3);

	/** SETs per second, 0 for a burst. */
	private static final int RATE = Integer.getInteger("rate", 0);

	private static final int BATCH_SIZE = Integer.getInteger("batchSize", GroupSettings.defaults().batchSize());

	/** A run ends when everything was handled, or nothing was for this long. */
	private static final Duration QUIET = Duration.ofSeconds(30);

	private static final String PREFIX = "gb:";

	private static final String WARM_UP = "warm-up";

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private GroupBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		List<Mode> modes = List
			.of(new Mode("direct", 1, false), new Mode("group-1", 1, true), new Mode("group-3", 3, true),
					new Mode("direct-3", 3, false))
			.stream()
			.filter((m) -> List.of(System.getProperty("modes", "direct,group-1,group-3").split(",")).contains(m.name()))
			.toList();
		try (RedisServer server = RedisServer.builder().config("notify-keyspace-events", "K$").start()) {
			String version;
			try (Jedis jedis = server.jedis()) {
				version = jedis.info("server").lines().filter((l) -> l.startsWith("redis_version")).findFirst()
					.orElse("?");
			}
			System.out.printf(Locale.ROOT, "%,d SETs per run (%s), %d rounds, batch size %d, %s on %s, %d cores, JDK %s%n",
					COUNT, (RATE > 0) ? String.format(Locale.ROOT, "%,d/s", RATE) : "a burst", ROUNDS, BATCH_SIZE, version,
					server.hostAndPort(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
			System.out.printf(Locale.ROOT, "one synchronous round trip (PING, median of 5 x 20,000): %.1f µs%n",
					roundTripMicros(server));
			Map<String, List<Result>> results = new TreeMap<>();
			for (int round = 1; round <= ROUNDS; round++) {
				for (int turn = 0; turn < modes.size(); turn++) {
					Mode mode = modes.get((turn + round - 1) % modes.size());
					Result result = run(server, mode, round);
					results.computeIfAbsent(mode.name(), (n) -> new ArrayList<>()).add(result);
					System.out.printf(Locale.ROOT,
							"round %d %-8s %,9.0f notifications/s  handled %,d in %,d ms (written in %,d ms, in the "
									+ "stream after %,d ms)  duplicates %,d  missing %,d  CPU per SET: server %.2f µs, "
									+ "JVM %.2f µs%n",
							round, mode.name(), result.perSecond(), result.handled(), result.millis(),
							result.writeMillis(), result.forwardMillis(), result.duplicates(), result.missing(),
							result.serverMicros(), result.jvmMicros());
					System.out.println("    " + result.notes());
				}
			}
			double baseline = median(results.get(modes.get(0).name()));
			System.out.println();
			System.out.println("| handling | median notifications/s | ratio to direct | median time to handle all (ms) "
					+ "| median server CPU per SET (µs) | median JVM CPU per SET (µs) | duplicates / missing (worst round) |");
			System.out.println("|---|---:|---:|---:|---:|---:|---:|");
			for (Mode mode : modes) {
				List<Result> of = results.get(mode.name());
				double median = median(of);
				long millis = of.stream().mapToLong(Result::millis).sorted().toArray()[of.size() / 2];
				System.out.printf(Locale.ROOT, "| %s | %,.0f | %.2f | %,d | %.2f | %.2f | %,d / %,d |%n", mode.name(),
						median, median / baseline, millis, median(of, Result::serverMicros),
						median(of, Result::jvmMicros), of.stream().mapToLong(Result::duplicates).max().orElse(0),
						of.stream().mapToLong(Result::missing).max().orElse(0));
			}
		}
	}

	private static Result run(RedisServer server, Mode mode, int round) throws Exception {
		try (Jedis admin = server.jedis()) {
			admin.flushAll();
		}
		Tally tally = new Tally(mode.grouped() ? 1 : mode.instances());
		List<AutoCloseable> started = new ArrayList<>();
		List<NotificationGroups> groups = new ArrayList<>();
		List<StandaloneKeyspaceNotifications> subscriptions = new ArrayList<>();
		String group = "bench" + round;
		try {
			KeyspaceChannel channel = new KeyspaceChannel(PREFIX + "*");
			for (int i = 0; i < mode.instances(); i++) {
				StandaloneKeyspaceNotifications notifications = new StandaloneKeyspaceNotifications(
						new RedisNode(server.host(), server.port()), ConnectionSettings.defaults());
				started.add(notifications);
				subscriptions.add(notifications);
				if (!mode.grouped()) {
					notifications.subscribe(tally, channel);
					continue;
				}
				RedisClient redis = RedisClient.create(server.host(), server.port());
				started.add(redis);
				NotificationGroups instance = new NotificationGroups(notifications, redis,
						GroupSettings.defaults().withMaxLength(Math.max(100_000, 2L * COUNT)).withBatchSize(BATCH_SIZE));
				started.add(instance);
				groups.add(instance);
				instance.subscribe(group, tally, channel);
			}
			// Steady state: every instance subscribed, the lease taken, the consumers reading.
			try (Jedis jedis = server.jedis()) {
				jedis.set(PREFIX + WARM_UP, "v");
			}
			long deadline = System.nanoTime() + QUIET.toNanos();
			while (!tally.warmedUp()) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(mode + " did not handle the warm-up key within " + QUIET);
				}
				Thread.sleep(5); // polling a flag in a benchmark harness
			}
			try (Jedis admin = server.jedis()) {
				admin.configResetStat();
			}
			System.gc();

			double serverCpu = serverCpuSeconds(server);
			long jvmCpu = OS.getProcessCpuTime();
			long start = System.nanoTime();
			write(server);
			long written = System.nanoTime();
			long forwarded = groups.isEmpty() ? written : awaitForwarded(groups, group);
			awaitAll(tally);
			long end = tally.lastNanos();
			double serverMicros = (serverCpuSeconds(server) - serverCpu) * 1e6 / COUNT;
			double jvmMicros = (OS.getProcessCpuTime() - jvmCpu) / 1e3 / COUNT;
			long handled = tally.handled();
			double seconds = (end - start) / 1e9;
			String notes = commandStats(server) + "; dropped by the subscriptions "
					+ subscriptions.stream().mapToLong((n) -> n.metrics().dropped()).sum()
					+ (groups.isEmpty() ? "" : "; per instance " + groups.stream()
						.map((g) -> g.metrics(group))
						.map((m) -> "forwarded=" + m.forwarded() + " handled=" + m.handled())
						.toList());
			return new Result(handled, tally.duplicates(), COUNT - tally.distinct(), tally.distinct() / seconds,
					(end - start) / 1_000_000, (written - start) / 1_000_000, (forwarded - start) / 1_000_000,
					serverMicros, jvmMicros, notes);
		}
		finally {
			for (int i = started.size() - 1; i >= 0; i--) {
				started.get(i).close();
			}
		}
	}

	/** A burst through a pipeline, 1,000 SETs a round trip; or, given a rate, so many a millisecond. */
	private static void write(RedisServer server) {
		byte[] value = "v".getBytes(StandardCharsets.UTF_8);
		int perSync = (RATE > 0) ? Math.max(1, RATE / 1000) : 1000;
		long intervalNanos = (RATE > 0) ? 1_000_000_000L * perSync / RATE : 0;
		long next = System.nanoTime();
		try (Jedis writer = server.jedis()) {
			Pipeline pipeline = writer.pipelined();
			for (int i = 0; i < COUNT; i++) {
				pipeline.set((PREFIX + i).getBytes(StandardCharsets.UTF_8), value);
				if (i % perSync == perSync - 1) {
					pipeline.sync();
					next += intervalNanos;
					LockSupport.parkNanos(next - System.nanoTime());
				}
			}
			pipeline.sync();
		}
	}

	/** What a consumer pays per entry for its XACK, which waits for the reply before the next entry. */
	private static double roundTripMicros(RedisServer server) {
		List<Double> runs = new ArrayList<>();
		try (Jedis jedis = server.jedis()) {
			for (int run = 0; run < 5; run++) {
				long start = System.nanoTime();
				for (int i = 0; i < 20_000; i++) {
					jedis.ping();
				}
				runs.add((System.nanoTime() - start) / 1e3 / 20_000);
			}
		}
		return runs.stream().sorted().toList().get(runs.size() / 2);
	}

	/** Waits until the burst (and the warm-up key) was written into the group's stream; returns when. */
	private static long awaitForwarded(List<NotificationGroups> groups, String group) throws InterruptedException {
		long deadline = System.nanoTime() + QUIET.toNanos();
		while (groups.stream().mapToLong((g) -> g.metrics(group).forwarded()).sum() < COUNT + 1
				&& System.nanoTime() < deadline) {
			Thread.sleep(1); // polling in a benchmark harness
		}
		return System.nanoTime();
	}

	/** Waits until every key was handled as often as it should be, or nothing new came for {@link #QUIET}. */
	private static void awaitAll(Tally tally) throws InterruptedException {
		long last = -1;
		long quietSince = System.nanoTime();
		while (!tally.complete() && System.nanoTime() - quietSince < QUIET.toNanos()) {
			long now = tally.handled();
			if (now != last) {
				last = now;
				quietSince = System.nanoTime();
			}
			Thread.sleep(5); // polling a counter in a benchmark harness
		}
	}

	/** Calls and server time of the commands the groups add, from INFO commandstats. */
	private static String commandStats(RedisServer server) {
		try (Jedis admin = server.jedis()) {
			return admin.info("commandstats").lines()
				.filter((l) -> l.matches("cmdstat_(set|xadd|xtrim|xrevrange|xreadgroup|xack|evalsha|eval|xautoclaim|xpending):.*"))
				.map((l) -> l.replaceFirst("cmdstat_", "").replaceAll(",usec=\\d+", "")
					.replaceAll(",rejected_calls=\\d+,failed_calls=\\d+", ""))
				.collect(Collectors.joining(" "));
		}
	}

	private static double median(List<Result> results) {
		return median(results, Result::perSecond);
	}

	private static double median(List<Result> results, ToDoubleFunction<Result> value) {
		double[] sorted = results.stream().mapToDouble(value).sorted().toArray();
		return sorted[sorted.length / 2];
	}

	/** The server's CPU time so far (user and system, all its threads), from INFO cpu. */
	private static double serverCpuSeconds(RedisServer server) {
		try (Jedis admin = server.jedis()) {
			return admin.info("cpu").lines()
				.filter((l) -> l.startsWith("used_cpu_user:") || l.startsWith("used_cpu_sys:"))
				.mapToDouble((l) -> Double.parseDouble(l.substring(l.indexOf(':') + 1).trim()))
				.sum();
		}
	}

	/**
	 * @param instances how many instances subscribe (each its own subscription)
	 * @param grouped whether they handle in a group (each event once) or directly (each event
	 * in every instance)
	 */
	private record Mode(String name, int instances, boolean grouped) {
	}

	/**
	 * @param serverMicros CPU time of the redis-server per SET written, the SET included
	 * @param jvmMicros CPU time of this JVM per SET written (the writer's included)
	 */
	private record Result(long handled, long duplicates, long missing, double perSecond, long millis, long writeMillis,
			long forwardMillis, double serverMicros, double jvmMicros, String notes) {
	}

	/** The handler of every mode: marks the key's number and remembers when the last came. */
	private static final class Tally implements KeyNotificationHandler {

		private final AtomicIntegerArray seen = new AtomicIntegerArray(COUNT);

		private final int copies; // how often each key is to be handled: once per direct subscriber

		private final AtomicInteger warmUps = new AtomicInteger();

		private final AtomicLong handled = new AtomicLong();

		private final AtomicLong distinct = new AtomicLong();

		private volatile long lastNanos;

		Tally(int copies) {
			this.copies = copies;
		}

		@Override
		public void onNotification(KeyNotification notification) {
			String key = notification.key();
			if (key.endsWith(WARM_UP)) {
				this.warmUps.incrementAndGet();
				return;
			}
			int number = Integer.parseInt(key, PREFIX.length(), key.length(), 10);
			this.handled.incrementAndGet();
			if (this.seen.getAndSet(number, 1) == 0) {
				this.distinct.incrementAndGet();
			}
			this.lastNanos = System.nanoTime();
		}

		/** Every subscriber handled the warm-up key (a group, once). */
		boolean warmedUp() {
			return this.warmUps.get() >= this.copies;
		}

		long handled() {
			return this.handled.get();
		}

		long distinct() {
			return this.distinct.get();
		}

		long duplicates() {
			return this.handled.get() - this.copies * this.distinct.get();
		}

		boolean complete() {
			return this.distinct.get() == COUNT && this.handled.get() >= (long) this.copies * COUNT;
		}

		long lastNanos() {
			return this.lastNanos;
		}

	}

}
