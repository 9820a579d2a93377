package io.keyspace.notifications.benchmark;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.DispatchSettings;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.OverflowPolicy;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.StandaloneKeyspaceNotifications;
import io.keyspace.notifications.annotation.MethodHandlerAdapter;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.reactive.ReactiveKeyspaceNotifications;
import io.keyspace.notifications.testing.RedisBinary;
import io.keyspace.notifications.testing.RedisServer;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * How many notifications per second each consumer receives from a burst of SETs, and how
 * many it loses, measured in one run against one local redis-server so that the ratios are
 * comparable on a shared, noisy machine:
 * <ul>
 * <li>{@code raw-jedis}: a bare Jedis {@link BinaryJedisPubSub} loop that only counts (the
 * baseline);</li>
 * <li>{@code keyspace-notifications}: {@link StandaloneKeyspaceNotifications} with the default
 * dispatch settings, counted in a handler (read, parse, match, dispatch, handle);</li>
 * <li>{@code reactive-flux}: {@link ReactiveKeyspaceNotifications#receive} with a subscriber that
 * requests 256 at a time (the default buffer of 8,192 per subscriber);</li>
 * <li>{@code mono-handler}: an {@code @OnKeyEvent}-style method returning a {@code Mono}, called
 * through {@link MethodHandlerAdapter} on the same dispatch as {@code keyspace-notifications};</li>
 * <li>{@code spring-data-redis}: {@link RedisMessageListenerContainer} with its defaults.</li>
 * </ul>
 * The last column compares with {@code keyspace-notifications} (the core handler), when it ran.
 * Run with {@code ./mvnw -q -pl keyspace-notifications-autoconfigure test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.keyspace.notifications.benchmark.BurstBenchmark}
 * (system properties: {@code burst}, {@code rounds} and {@code warmup} change the size;
 * {@code writer=process} writes with {@code redis-benchmark} from another process;
 * {@code consumers} picks some of them by name, comma-separated, the baseline being the first
 * of them in the order above). Each round starts with another consumer.
 */
public final class BurstBenchmark {

	private static final int BURST = Integer.getInteger("burst", 1_000_000);

	private static final int ROUNDS = Integer.getInteger("rounds", 3);

	private static final Duration QUIET = Duration.ofSeconds(3);

	/**
	 * Who writes the burst: {@code jvm} (default), a pipelined Jedis client in this JVM, 1,000
	 * SETs a round trip; {@code process}, {@code redis-benchmark} in another process (50
	 * connections, 16 SETs a round trip each: as fast as the server takes them), found beside
	 * the redis-server binary or on the PATH.
	 */
	private static final String WRITER = System.getProperty("writer", "jvm");

	private static final NotificationOptions OPTIONS = Integer.getInteger("concurrency") == null
			? NotificationOptions.defaults()
			: NotificationOptions.builder()
				.dispatch(new DispatchSettings(Integer.getInteger("concurrency"),
						65_536, OverflowPolicy.BLOCK, Duration.ofMillis(500),
						Duration.ofSeconds(10)))
				.build();

	private BurstBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Machine.print();
		try (RedisServer server = RedisServer.builder().config("notify-keyspace-events", "K$").start()) {
			List<Consumer> consumers = List.of(new RawJedis(), new KeyspaceNotificationsConsumer(),
					new ReactiveFluxConsumer(), new MonoHandlerConsumer(), new SpringDataRedis())
				.stream()
				.filter((c) -> System.getProperty("consumers", c.name()).contains(c.name()))
				.toList();
			List<List<Result>> results = new ArrayList<>();
			consumers.forEach((c) -> results.add(new ArrayList<>()));
			System.out.printf(Locale.ROOT, "Burst of %,d SETs, %d rounds after %d warm-up, redis-server %s on %s%n",
					BURST, ROUNDS, Machine.WARMUP_ROUNDS,
					server.jedis().info("server").lines().filter((l) -> l.startsWith("redis_version")).findFirst()
						.orElse("?"),
					server.hostAndPort());
			long lostInWarmUp = 0;
			for (int round = 1 - Machine.WARMUP_ROUNDS; round <= ROUNDS; round++) {
				// Each round starts with another consumer, so none always runs first or last.
				for (int turn = 0; turn < consumers.size(); turn++) {
					int i = Math.floorMod(turn + round - 1, consumers.size());
					Result result = run(server, consumers.get(i), round + Machine.WARMUP_ROUNDS);
					if (round >= 1) {
						results.get(i).add(result);
					}
					else {
						lostInWarmUp += result.lost();
					}
					System.out.printf(Locale.ROOT, "%-8s %-24s %,10.0f notifications/s  received %,d  lost %,d%s%n",
							Machine.roundName(round), consumers.get(i).name(), result.perSecond(), result.received(), result.lost(),
							result.dropped() ? "  (server dropped the connection)" : "");
				}
			}
			int core = consumers.stream().map(Consumer::name).toList().indexOf("keyspace-notifications");
			System.out.println();
			System.out.println("| consumer | median notifications/s | ratio to raw Jedis | lost (worst round) | ratio to core |");
			System.out.println("|---|---:|---:|---:|---:|");
			for (int i = 0; i < consumers.size(); i++) {
				long worstLost = results.get(i).stream().mapToLong(Result::lost).max().orElse(0);
				System.out.printf(Locale.ROOT, "| %s | %,.0f | %.2f | %,d | %.2f |%n", consumers.get(i).name(),
						median(results.get(i)), ratio(results.get(i), results.get(0)), worstLost,
						(core >= 0) ? ratio(results.get(i), results.get(core)) : Double.NaN);
			}
			System.out.println("ratios: medians of same-round ratios");
			if (lostInWarmUp > 0) {
				System.out.printf(Locale.ROOT, "LOST in the warm-up rounds: %,d%n", lostInWarmUp);
			}
			Machine.print();
		}
		// Spring Data Redis leaves non-daemon listener threads behind, which would keep exec:java waiting.
		System.exit(0);
	}

	private static Result run(RedisServer server, Consumer consumer, int round) throws Exception {
		try (Jedis admin = server.jedis()) {
			admin.flushAll();
			admin.configResetStat();
		}
		String prefix = "bench" + round + ":";
		consumer.start(server, prefix);
		try {
			write(server, prefix);
			// Wait until nothing new arrived for a while: the burst is fully delivered or lost.
			long last = -1;
			long quietSince = System.nanoTime();
			while (consumer.counter().received() < BURST && System.nanoTime() - quietSince < QUIET.toNanos()) {
				long now = consumer.counter().received();
				if (now != last) {
					last = now;
					quietSince = System.nanoTime();
				}
				Thread.sleep(10); // polling a counter between bursts, not waiting for a condition in a test
			}
			Counter counter = consumer.counter();
			long received = counter.received();
			double seconds = (counter.lastNanos() - counter.firstNanos()) / 1e9;
			return new Result(received, BURST - received, (seconds > 0) ? received / seconds : 0,
					droppedByServer(server));
		}
		finally {
			consumer.stop();
		}
	}

	private static void write(RedisServer server, String prefix) throws IOException, InterruptedException {
		if (WRITER.equals("process")) {
			writeFromAnotherProcess(server, prefix);
			return;
		}
		byte[] value = "v".getBytes(StandardCharsets.UTF_8);
		try (Jedis writer = server.jedis()) {
			Pipeline pipeline = writer.pipelined();
			for (int i = 0; i < BURST; i++) {
				pipeline.set((prefix + i).getBytes(StandardCharsets.UTF_8), value);
				if (i % 1000 == 999) {
					pipeline.sync();
				}
			}
			pipeline.sync();
		}
	}

	private static void writeFromAnotherProcess(RedisServer server, String prefix)
			throws IOException, InterruptedException {
		Process writer = new ProcessBuilder(redisBenchmark().toString(), "-h", server.host(),
				"-p", Integer.toString(server.port()), "-n", Integer.toString(BURST), "-P", "16", "-r",
				Integer.toString(BURST), "-q", "SET", prefix + "__rand_int__", "v")
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		if (writer.waitFor() != 0) {
			throw new IllegalStateException("redis-benchmark exited with " + writer.exitValue());
		}
	}

	private static Path redisBenchmark() {
		Path beside = RedisBinary.path().resolveSibling("redis-benchmark");
		if (Files.isExecutable(beside)) {
			return beside;
		}
		for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			Path candidate = Path.of(dir, "redis-benchmark");
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		throw new IllegalStateException("-Dwriter=process needs redis-benchmark, beside " + RedisBinary.path()
				+ " or on the PATH (Debian: apt-get install redis-tools)");
	}

	private static boolean droppedByServer(RedisServer server) {
		try (Jedis admin = server.jedis()) {
			return admin.info("stats").lines()
				.filter((l) -> l.startsWith("client_output_buffer_limit_disconnections:"))
				.anyMatch((l) -> !l.endsWith(":0"));
		}
	}

	private static double ratio(List<Result> results, List<Result> baselines) {
		return Machine.medianRatio(results.stream().map(Result::perSecond).toList(),
				baselines.stream().map(Result::perSecond).toList());
	}

	private static double median(List<Result> results) {
		List<Double> sorted = results.stream().map(Result::perSecond).sorted(Comparator.naturalOrder()).toList();
		return sorted.get(sorted.size() / 2);
	}

	private record Result(long received, long lost, double perSecond, boolean dropped) {
	}

	/** Counts notifications and remembers when the first and the last arrived. */
	private static final class Counter {

		private final AtomicLong received = new AtomicLong();

		private volatile long firstNanos;

		private volatile long lastNanos;

		void increment() {
			long now = System.nanoTime();
			if (this.received.getAndIncrement() == 0) {
				this.firstNanos = now;
			}
			this.lastNanos = now;
		}

		long received() {
			return this.received.get();
		}

		long firstNanos() {
			return this.firstNanos;
		}

		long lastNanos() {
			return this.lastNanos;
		}

	}

	private interface Consumer {

		String name();

		void start(RedisServer server, String prefix) throws Exception;

		Counter counter();

		void stop() throws Exception;

	}

	private static final class RawJedis implements Consumer {

		private Counter counter;

		private RawPatternLoop loop;

		@Override
		public String name() {
			return "raw-jedis";
		}

		@Override
		public void start(RedisServer server, String prefix) throws Exception {
			this.counter = new Counter();
			Counter counter = this.counter;
			this.loop = new RawPatternLoop(server::jedis, prefix, (channel) -> counter.increment());
		}

		@Override
		public Counter counter() {
			return this.counter;
		}

		@Override
		public void stop() throws Exception {
			this.loop.close();
		}

	}

	private static final class KeyspaceNotificationsConsumer extends LibraryConsumer {

		@Override
		public String name() {
			return "keyspace-notifications";
		}

		@Override
		void consume(StandaloneKeyspaceNotifications notifications, KeyspaceChannel channel, Counter counter) {
			notifications.subscribe((notification) -> counter.increment(), channel);
		}

	}

	/** The core consumer's setup, delivering to a subclass's way of consuming. */
	private abstract static class LibraryConsumer implements Consumer {

		private Counter counter;

		private StandaloneKeyspaceNotifications notifications;

		@Override
		public void start(RedisServer server, String prefix) throws Exception {
			this.counter = new Counter();
			this.notifications = new StandaloneKeyspaceNotifications(new RedisNode(server.host(), server.port()),
					ConnectionSettings.defaults(), OPTIONS);
			consume(this.notifications, new KeyspaceChannel(prefix + "*"), this.counter);
		}

		abstract void consume(StandaloneKeyspaceNotifications notifications, KeyspaceChannel channel, Counter counter)
				throws Exception;

		@Override
		public Counter counter() {
			return this.counter;
		}

		@Override
		public void stop() throws Exception {
			System.out.println("    " + name() + " metrics: " + this.notifications.metrics());
			this.notifications.close();
		}

	}

	private static final class ReactiveFluxConsumer extends LibraryConsumer {

		private Disposable subscription;

		@Override
		public String name() {
			return "reactive-flux";
		}

		@Override
		void consume(StandaloneKeyspaceNotifications notifications, KeyspaceChannel channel, Counter counter) {
			Flux<KeyNotification> flux = new ReactiveKeyspaceNotifications(notifications).receive(channel);
			this.subscription = flux.limitRate(256).subscribe((notification) -> counter.increment());
			while (!notifications.isSubscribed()) {
				Thread.onSpinWait(); // the Flux subscribes on the server asynchronously
			}
		}

		@Override
		public void stop() throws Exception {
			this.subscription.dispose();
			super.stop();
		}

	}

	private static final class MonoHandlerConsumer extends LibraryConsumer {

		@Override
		public String name() {
			return "mono-handler";
		}

		@Override
		void consume(StandaloneKeyspaceNotifications notifications, KeyspaceChannel channel, Counter counter)
				throws Exception {
			MonoHandler bean = new MonoHandler(counter);
			notifications.subscribe(new MethodHandlerAdapter(bean, MonoHandler.class.getDeclaredMethod("handle",
					KeyNotification.class), "MonoHandler#handle"), channel);
		}

	}

	/** What an {@code @OnKeyEvent} method returning a Mono looks like: the work, then completion. */
	static final class MonoHandler {

		private final Counter counter;

		MonoHandler(Counter counter) {
			this.counter = counter;
		}

		Mono<Void> handle(KeyNotification notification) {
			return Mono.fromRunnable(this.counter::increment);
		}

	}

	private static final class SpringDataRedis implements Consumer {

		private Counter counter;

		private JedisConnectionFactory factory;

		private RedisMessageListenerContainer container;

		@Override
		public String name() {
			return "spring-data-redis";
		}

		@Override
		public void start(RedisServer server, String prefix) {
			this.counter = new Counter();
			Counter counter = this.counter;
			this.factory = new JedisConnectionFactory(new RedisStandaloneConfiguration(server.host(), server.port()));
			this.factory.afterPropertiesSet();
			this.factory.start();
			this.container = new RedisMessageListenerContainer();
			this.container.setConnectionFactory(this.factory);
			this.container.addMessageListener((message, pattern) -> counter.increment(),
					new PatternTopic("__keyspace@0__:" + prefix + "*"));
			this.container.afterPropertiesSet();
			this.container.start();
		}

		@Override
		public Counter counter() {
			return this.counter;
		}

		@Override
		public void stop() throws Exception {
			this.container.stop();
			this.container.destroy();
			this.factory.destroy();
		}

	}

}
