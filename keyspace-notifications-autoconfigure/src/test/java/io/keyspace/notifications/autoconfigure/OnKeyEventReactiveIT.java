package io.keyspace.notifications.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.keyspace.notifications.GroupMetrics;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.NotificationErrorHandler;
import io.keyspace.notifications.NotificationGroups;
import io.keyspace.notifications.NotificationMetrics;
import io.keyspace.notifications.annotation.HandlerTimeoutException;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.testing.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @OnKeyEvent} methods returning {@code Mono}, {@code CompletionStage} or a publisher that
 * never completes, in a Spring Boot application against a real redis-server: one key's calls
 * never overlap, error signals and timeouts are handler errors, and a group acknowledges an
 * entry only after its {@code Mono} completed.
 */
class OnKeyEventReactiveIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	private static ConfigurableApplicationContext context;

	private static Handlers handlers;

	@BeforeAll
	static void start() {
		redis.flushAll();
		context = new SpringApplicationBuilder(ReactiveApplication.class).web(WebApplicationType.NONE)
			.run("--spring.data.redis.host=" + redis.server().host(), "--spring.data.redis.port=" + redis.server().port(),
					"--keyspace-notifications.dispatch.concurrency=4",
					"--keyspace-notifications.reactive.handler-timeout=2s");
		handlers = context.getBean(Handlers.class);
		await().atMost(Duration.ofSeconds(10)).until(context.getBean(KeyspaceNotifications.class)::isSubscribed);
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void monoHandlersNeverOverlapForOneKeyAndAllComplete() {
		try (Jedis jedis = redis.server().jedis(); Pipeline pipeline = jedis.pipelined()) {
			for (int round = 0; round < 20; round++) {
				for (int key = 0; key < 100; key++) {
					pipeline.set("mono:" + key, String.valueOf(round));
				}
			}
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> handlers.monoCompleted.get() == 2_000);
		assertThat(handlers.monoOverlaps).as("calls for one key that started before the previous completed").hasValue(0);
		assertThat(handlers.monoStarted).hasValue(2_000);
		assertThat(handlers.running).isEmpty();
		assertBalanced(metrics());
	}

	@Test
	void anErrorSignalIsAHandlerErrorForTheMetricsTheErrorHandlerAndTheObservation() {
		long errorsBefore = metrics().handlerErrors();
		try (Jedis jedis = redis.server().jedis()) {
			for (int i = 0; i < 5; i++) {
				jedis.set("fail:" + i, "v");
			}
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> handlers.failures("Handlers#fail").size() == 5);
		assertThat(handlers.failures("Handlers#fail")).allSatisfy((error) -> assertThat(error).hasMessage("boom"));
		assertThat(metrics().handlerErrors() - errorsBefore).isGreaterThanOrEqualTo(5);
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> meters.find("keyspace.notifications.handler").tags("handler", "Handlers#fail", "outcome", "error")
				.timers()
				.stream()
				.mapToLong((timer) -> timer.count())
				.sum() == 5);
	}

	@Test
	void aCompletionStageIsWaitedFor() {
		try (Jedis jedis = redis.server().jedis()) {
			jedis.set("stage:a", "1");
			jedis.set("stage:a", "2");
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> handlers.stageDone.size() == 2);
		assertThat(handlers.stageOverlaps).hasValue(0);
	}

	@Test
	void aPublisherThatNeverCompletesIsCancelledAtTheTimeoutAndTheKeysNextNotificationGoesAhead() {
		try (Jedis jedis = redis.server().jedis()) {
			jedis.set("never:a", "1");
			jedis.set("never:a", "2");
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> handlers.failures("Handlers#never").size() == 2);
		assertThat(handlers.neverCalls).hasValue(2);
		assertThat(handlers.neverCancelled).hasValue(2);
		assertThat(handlers.failures("Handlers#never")).allSatisfy((error) -> assertThat(error)
			.isInstanceOf(HandlerTimeoutException.class)
			.hasMessageContaining("Handlers#never did not complete within PT2S")
			.hasMessageContaining("keyspace-notifications.reactive.handler-timeout"));
	}

	@Test
	void aGroupHandlerAcknowledgesItsEntryOnlyAfterItsMonoCompleted() {
		NotificationGroups groups = context.getBean(NotificationGroups.class);
		try (Jedis jedis = redis.server().jedis()) {
			jedis.set("grp:1", "v");
			await().atMost(Duration.ofSeconds(20)).until(() -> handlers.groupCalls.get() == 1);
			// The Mono runs: the entry is read and pending, not acknowledged.
			assertThat(pendingInGroupStreams(jedis)).isEqualTo(1);
			assertThat(groups.metrics("reactive").handled()).isZero();

			handlers.groupGate.complete(null);

			await().atMost(Duration.ofSeconds(10)).until(() -> groups.metrics("reactive").handled() == 1);
			assertThat(pendingInGroupStreams(jedis)).isZero();
			GroupMetrics metrics = groups.metrics("reactive");
			assertThat(metrics.failed()).isZero();
		}
	}

	private static long pendingInGroupStreams(Jedis jedis) {
		long pending = 0;
		String cursor = ScanParams.SCAN_POINTER_START;
		do {
			ScanResult<String> page = jedis.scan(cursor, new ScanParams().match("keyspace-notifications:group:*").count(100),
					"stream");
			for (String stream : page.getResult()) {
				pending += jedis.xinfoGroups(stream).stream().mapToLong((group) -> group.getPending()).sum();
			}
			cursor = page.getCursor();
		}
		while (!cursor.equals(ScanParams.SCAN_POINTER_START));
		return pending;
	}

	private static NotificationMetrics metrics() {
		return context.getBean(KeyspaceNotifications.class).metrics();
	}

	private static void assertBalanced(NotificationMetrics metrics) {
		assertThat(metrics.received()).isEqualTo(metrics.delivered() + metrics.filtered() + metrics.malformed()
				+ metrics.dropped() + metrics.inFlight());
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ReactiveApplication {

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		NotificationErrorHandler recordingErrorHandler(Handlers handlers) {
			return handlers::recordError;
		}

	}

	static class Handlers {

		final Set<String> running = ConcurrentHashMap.newKeySet();

		final AtomicInteger monoStarted = new AtomicInteger();

		final AtomicInteger monoCompleted = new AtomicInteger();

		final AtomicInteger monoOverlaps = new AtomicInteger();

		final Set<String> stageRunning = ConcurrentHashMap.newKeySet();

		final List<String> stageDone = new CopyOnWriteArrayList<>();

		final AtomicInteger stageOverlaps = new AtomicInteger();

		final AtomicInteger neverCalls = new AtomicInteger();

		final AtomicInteger neverCancelled = new AtomicInteger();

		final AtomicInteger groupCalls = new AtomicInteger();

		final CompletableFuture<Void> groupGate = new CompletableFuture<>();

		final Map<String, List<Throwable>> errors = new ConcurrentHashMap<>();

		@OnKeyEvent(key = "mono:*", event = "set")
		Mono<Void> mono(String key) {
			return Mono.fromRunnable(() -> {
				this.monoStarted.incrementAndGet();
				if (!this.running.add(key)) {
					this.monoOverlaps.incrementAndGet();
				}
			})
				.then(Mono.delay(Duration.ofMillis(ThreadLocalRandom.current().nextInt(3))))
				.then(Mono.fromRunnable(() -> {
					this.running.remove(key);
					this.monoCompleted.incrementAndGet();
				}));
		}

		@OnKeyEvent(key = "fail:*", event = "set")
		Mono<Void> fail() {
			return Mono.error(new IllegalStateException("boom"));
		}

		@OnKeyEvent(key = "stage:*", event = "set")
		CompletionStage<Void> stage(KeyNotification notification) {
			String key = notification.key();
			if (!this.stageRunning.add(key)) {
				this.stageOverlaps.incrementAndGet();
			}
			return CompletableFuture.runAsync(() -> {
				sleep(50);
				this.stageDone.add(key);
				this.stageRunning.remove(key);
			});
		}

		@OnKeyEvent(key = "never:*", event = "set")
		Mono<Void> never() {
			this.neverCalls.incrementAndGet();
			return Mono.<Void>never().doOnCancel(this.neverCancelled::incrementAndGet);
		}

		@OnKeyEvent(key = "grp:*", event = "set", group = "reactive")
		Mono<Void> grouped() {
			this.groupCalls.incrementAndGet();
			return Mono.fromFuture(this.groupGate, true);
		}

		void recordError(KeyNotification notification, KeyNotificationHandler handler, Throwable error) {
			this.errors.computeIfAbsent(handler.toString(), (name) -> new CopyOnWriteArrayList<>()).add(error);
		}

		List<Throwable> failures(String handler) {
			return this.errors.getOrDefault(handler, List.of());
		}

		private static void sleep(long millis) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
