package io.keyspace.notifications.benchmark;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.DispatchSettings;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.OverflowPolicy;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.StandaloneKeyspaceNotifications;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.autoconfigure.KeyspaceNotificationsAutoConfiguration;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.testing.RedisServer;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

/**
 * Latency from a SET being sent to its handler starting, at a steady rate (20,000 SET/s by
 * default), for a raw Jedis {@link BinaryJedisPubSub} loop (the baseline: the "handler" runs
 * on its reader thread), {@link StandaloneKeyspaceNotifications} (handler lanes behind the
 * reader, or the reader itself for a small burst on an idle lane) and an {@code @OnKeyEvent}
 * method in a Spring context; and the CPU time each consumer's threads took per notification
 * (every thread but the writer's). Consumers take turns in each round against one local
 * redis-server, so the ratios are comparable on a noisy machine.
 * Run with {@code ./mvnw -q -pl keyspace-notifications-autoconfigure test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.keyspace.notifications.benchmark.LatencyBenchmark}
 * ({@code -Drate=20000 -Dcount=100000 -Drounds=3 -Dwarmup=1 -Dconcurrency=<handler threads> -Dinline=false}).
 */
public final class LatencyBenchmark {

	private static final int RATE = Integer.getInteger("rate", 20_000);

	private static final int COUNT = Integer.getInteger("count", 100_000);

	private static final int ROUNDS = Integer.getInteger("rounds", 3);

	/** Handler threads of the core and Spring consumers; unset for the default. */
	private static final Integer CONCURRENCY = Integer.getInteger("concurrency");

	/** Whether small bursts may be handled on the reader thread ({@code DispatchSettings.inline}). */
	private static final boolean INLINE = Boolean.parseBoolean(System.getProperty("inline", "true"));

	/** Sends per millisecond tick; the writer paces ticks, not single commands. */
	private static final int PER_TICK = Math.max(1, RATE / 1000);

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private LatencyBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Machine.print();
		try (RedisServer server = RedisServer.builder().config("notify-keyspace-events", "K$").start()) {
			List<Consumer> consumers = List.of(new RawJedis(), new Core(), new Spring());
			List<List<long[]>> results = new ArrayList<>();
			consumers.forEach((c) -> results.add(new ArrayList<>()));
			System.out.printf(Locale.ROOT, "%,d SETs at %,d/s per run, %d rounds after %d warm-up, on %s%n", COUNT,
					RATE, ROUNDS, Machine.WARMUP_ROUNDS, server.hostAndPort());
			for (int round = 1 - Machine.WARMUP_ROUNDS; round <= ROUNDS; round++) {
				// Each round starts with another consumer, so none always runs last.
				for (int turn = 0; turn < consumers.size(); turn++) {
					int i = Math.floorMod(turn + round - 1, consumers.size());
					long[] percentiles = run(server, consumers.get(i), "lat" + (round + Machine.WARMUP_ROUNDS) + i + ":");
					if (round >= 1) {
						results.get(i).add(percentiles);
					}
					System.out.printf(Locale.ROOT,
							"%-8s %-24s p50 %6.0f us  p99 %6.0f us  max %6.0f us  cpu %5.2f us/notification%n",
							Machine.roundName(round), consumers.get(i).name(), percentiles[0] / 1e3, percentiles[1] / 1e3, percentiles[2] / 1e3,
							percentiles[3] / 1e3 / COUNT);
				}
			}
			System.out.println();
			System.out.println("| consumer | median p50 (us) | median p99 (us) | p99 ratio to raw Jedis "
					+ "| CPU per notification (us) | CPU ratio to raw Jedis |");
			System.out.println("|---|---:|---:|---:|---:|---:|");
			List<Long> rawP99 = results.get(0).stream().map((p) -> p[1]).toList();
			List<Long> rawCpu = results.get(0).stream().map((p) -> p[3]).toList();
			for (int i = 0; i < consumers.size(); i++) {
				List<Long> p99 = results.get(i).stream().map((p) -> p[1]).toList();
				List<Long> cpu = results.get(i).stream().map((p) -> p[3]).toList();
				System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %.2f | %.2f |%n", consumers.get(i).name(),
						median(results.get(i), 0) / 1e3, median(results.get(i), 1) / 1e3, Machine.medianRatio(p99, rawP99),
						median(results.get(i), 3) / 1e3 / COUNT, Machine.medianRatio(cpu, rawCpu));
			}
			System.out.println("ratios: medians of same-round ratios; CPU: every thread but the writer's, "
					+ "from the first SET to the last notification handled");
			Machine.print();
		}
	}

	/**
	 * @return p50, p99 and max in nanoseconds, over all but the first tenth (warm-up), and the
	 * CPU time every thread but the writer's took while the SETs were sent and handled
	 */
	private static long[] run(RedisServer server, Consumer consumer, String prefix) throws Exception {
		long[] sent = new long[COUNT];
		long[] latency = new long[COUNT];
		AtomicInteger received = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(1);
		Receiver receiver = (index) -> {
			latency[index] = System.nanoTime() - sent[index];
			if (received.incrementAndGet() == COUNT) {
				done.countDown();
			}
		};
		try (Jedis jedis = server.jedis()) {
			// An empty keyspace for every run: no consumer pays for the server growing its key table.
			jedis.flushAll();
		}
		consumer.start(server, prefix, receiver);
		// Measure steady state: what starting the consumer allocated (a whole Spring context for
		// one of them) is collected or promoted now, as it would be long before an application's
		// traffic, rather than copied by the young collections during the measured run.
		System.gc();
		long cpuBefore = cpuOfOthers();
		long cpuAfter;
		try (Jedis writer = server.jedis()) {
			Pipeline pipeline = writer.pipelined();
			long tick = System.nanoTime();
			for (int i = 0; i < COUNT;) {
				LockSupport.parkNanos(tick - System.nanoTime());
				long now = System.nanoTime();
				for (int n = 0; n < PER_TICK && i < COUNT; n++, i++) {
					sent[i] = now;
					pipeline.set(prefix + i, "v");
				}
				pipeline.sync();
				tick += 1_000_000;
			}
			if (!done.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException(consumer.name() + " received " + received.get() + " of " + COUNT);
			}
			cpuAfter = cpuOfOthers();
		}
		finally {
			consumer.stop();
		}
		long[] measured = Arrays.copyOfRange(latency, COUNT / 10, COUNT);
		Arrays.sort(measured);
		return new long[] { measured[measured.length / 2], measured[(int) (measured.length * 0.99)],
				measured[measured.length - 1], cpuAfter - cpuBefore };
	}

	/** CPU nanoseconds of every live thread but this one (the writer). */
	private static long cpuOfOthers() {
		long total = 0;
		for (long id : THREADS.getAllThreadIds()) {
			long cpu = THREADS.getThreadCpuTime(id);
			if (cpu > 0 && id != Thread.currentThread().getId()) {
				total += cpu;
			}
		}
		return total;
	}

	private static long median(List<long[]> rounds, int percentile) {
		long[] values = rounds.stream().mapToLong((r) -> r[percentile]).sorted().toArray();
		return values[values.length / 2];
	}

	static int index(String key, int prefixLength) {
		return Integer.parseInt(key, prefixLength, key.length(), 10);
	}

	/** Gets the index of each key as its notification is handled. */
	interface Receiver {

		void receive(int index);

	}

	private interface Consumer {

		String name();

		void start(RedisServer server, String prefix, Receiver receiver) throws Exception;

		void stop() throws Exception;

	}

	private static final class RawJedis implements Consumer {

		private RawPatternLoop loop;

		@Override
		public String name() {
			return "raw-jedis";
		}

		@Override
		public void start(RedisServer server, String prefix, Receiver receiver) throws Exception {
			int skip = ("__keyspace@0__:" + prefix).length();
			this.loop = new RawPatternLoop(server::jedis, prefix,
					(channel) -> receiver.receive(index(new String(channel, StandardCharsets.UTF_8), skip)));
		}

		@Override
		public void stop() throws Exception {
			this.loop.close();
		}

	}

	private static final class Core implements Consumer {

		private StandaloneKeyspaceNotifications notifications;

		@Override
		public String name() {
			return "keyspace-notifications";
		}

		@Override
		public void start(RedisServer server, String prefix, Receiver receiver) {
			this.notifications = new StandaloneKeyspaceNotifications(new RedisNode(server.host(), server.port()),
					ConnectionSettings.defaults(), NotificationOptions.builder()
						.dispatch(new DispatchSettings(
								(CONCURRENCY != null) ? CONCURRENCY : DispatchSettings.DEFAULT.concurrency(), 65_536,
								OverflowPolicy.BLOCK, Duration.ofMillis(500), Duration.ofSeconds(10), INLINE))
						.build());
			this.notifications.subscribe((n) -> receiver.receive(index(n.key(), prefix.length())),
					new KeyspaceChannel(prefix + "*"));
		}

		@Override
		public void stop() {
			this.notifications.close();
		}

	}

	private static final class Spring implements Consumer {

		private AnnotationConfigApplicationContext context;

		@Override
		public String name() {
			return "spring-on-key-event";
		}

		@Override
		public void start(RedisServer server, String prefix, Receiver receiver) {
			this.context = new AnnotationConfigApplicationContext();
			Map<String, Object> properties = new HashMap<>(Map.of("spring.data.redis.host", server.host(),
					"spring.data.redis.port", server.port(), "benchmark.prefix", prefix));
			if (CONCURRENCY != null) {
				properties.put("keyspace-notifications.dispatch.concurrency", CONCURRENCY);
			}
			properties.put("keyspace-notifications.dispatch.inline", INLINE);
			this.context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("benchmark", properties));
			this.context.getBeanFactory().registerSingleton("receiver", receiver);
			this.context.register(SpringHandlerConfiguration.class);
			this.context.refresh();
		}

		@Override
		public void stop() {
			this.context.close();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, KeyspaceNotificationsAutoConfiguration.class })
	static class SpringHandlerConfiguration {

		@Bean
		SpringHandler springHandler(Receiver receiver, org.springframework.core.env.Environment environment) {
			return new SpringHandler(receiver, environment.getProperty("benchmark.prefix").length());
		}

	}

	/** The handler a user would write. */
	static class SpringHandler {

		private final Receiver receiver;

		private final int prefixLength;

		SpringHandler(Receiver receiver, int prefixLength) {
			this.receiver = receiver;
			this.prefixLength = prefixLength;
		}

		@OnKeyEvent(key = "${benchmark.prefix}*", event = "set")
		void onSet(String key) {
			this.receiver.receive(index(key, this.prefixLength));
		}

	}

}
