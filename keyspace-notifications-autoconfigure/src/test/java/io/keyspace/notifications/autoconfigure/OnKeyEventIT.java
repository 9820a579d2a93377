package io.keyspace.notifications.autoconfigure;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.keyspace.notifications.ChannelType;
import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.NotificationErrorHandler;
import io.keyspace.notifications.NotificationMetrics;
import io.keyspace.notifications.annotation.InvalidOnKeyEventException;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;
import io.keyspace.notifications.listener.NotificationGapEvent;
import io.keyspace.notifications.testing.RedisServerExtension;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AliasFor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code @OnKeyEvent} methods in a Spring application context, against a real redis-server. */
class OnKeyEventIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, KeyspaceNotificationsAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=" + redis.server().host(),
				"spring.data.redis.port=" + redis.server().port(), "keyspace-notifications.dispatch.concurrency=4",
				"test.key=placeholder:*");

	private Jedis jedis;

	@BeforeEach
	void connect() {
		this.jedis = redis.server().jedis();
		this.jedis.flushAll();
	}

	@AfterEach
	void disconnect() {
		this.jedis.close();
	}

	@Test
	void annotatedMethodsReceiveTheRightNotifications() {
		this.runner.withUserConfiguration(HandlerConfiguration.class).run((context) -> {
			Handlers handlers = context.getBean(Handlers.class);
			this.jedis.set("product:1", "v");
			this.jedis.set("order:1", "v");
			this.jedis.expire("order:1", 100);
			this.jedis.del("order:1");
			this.jedis.set("placeholder:1", "v");
			this.jedis.set("none:1", "v");
			this.jedis.set("rep:a", "v");
			this.jedis.set("rep:b", "v");
			this.jedis.set("product:2", "v");
			// Not 1 ms: a PEXPIRE whose deadline has passed when Redis checks it deletes the key with "del", not "expired".
			this.jedis.pexpire("product:2", 50);
			this.jedis.set("a*b", "v");
			this.jedis.set("axb", "v");
			this.jedis.publish("__subkeyspace@0__:h:1".getBytes(StandardCharsets.UTF_8),
					"hset|6:日本,1:x".getBytes(StandardCharsets.UTF_8));
			await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
				assertThat(handlers.calls("keyPattern")).contains("product:1 set", "product:2 set", "product:2 expired");
				assertThat(handlers.calls("eventOnly")).containsExactly("product:2");
				assertThat(handlers.calls("keyAndEvent")).containsExactly("order:1 set", "order:1 del");
				assertThat(handlers.calls("metaAnnotation")).containsExactly("product:2");
				assertThat(handlers.calls("placeholder")).containsExactly("placeholder:1");
				assertThat(handlers.calls("noArguments")).containsExactly("called");
				assertThat(handlers.calls("repeated")).containsExactlyInAnyOrder("rep:a", "rep:b");
				assertThat(handlers.calls("subkeys")).containsExactly("h:1 [日本, x]");
				assertThat(handlers.calls("escaped")).containsExactly("a*b set");
			});
			assertThat(context.getBean(KeyspaceNotificationListenerContainer.class).endpoints())
				.extracting((endpoint) -> endpoint.id())
				.contains("Handlers#keyPattern", "custom-id");
		});
	}

	@Test
	void notificationsTheEventFilterRejectsNeverEnterAQueue() {
		this.runner.withBean(ExpiryHandler.class).run((context) -> {
			NotificationMetrics metrics = context.getBean(KeyspaceNotifications.class).metrics();
			AtomicInteger deepestQueue = new AtomicInteger();
			int sets = 100_000;
			try (Pipeline pipeline = this.jedis.pipelined()) {
				for (int i = 0; i < sets; i++) {
					pipeline.set("k:" + i, "v");
					if (i % 1_000 == 0) {
						deepestQueue.accumulateAndGet(metrics.queued(), Math::max);
					}
				}
			}
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
				deepestQueue.accumulateAndGet(metrics.queued(), Math::max);
				assertThat(metrics.received()).isEqualTo(sets);
			});
			assertThat(metrics.filtered()).isEqualTo(sets);
			assertThat(metrics.delivered()).isZero();
			assertThat(metrics.inFlight()).isZero();
			assertThat(deepestQueue).hasValue(0);
			assertThat(context.getBean(ExpiryHandler.class).calls).hasValue(0);
		});
	}

	@Test
	void notificationsForOneKeyArriveInOrderAndAThrowingHandlerDoesNotStopTheOthers() {
		this.runner.withUserConfiguration(HandlerConfiguration.class).run((context) -> {
			Handlers handlers = context.getBean(Handlers.class);
			List<String> expected = new CopyOnWriteArrayList<>();
			for (int round = 0; round < 50; round++) {
				for (String key : List.of("seq:a", "seq:b", "seq:c")) {
					this.jedis.set(key, "v");
					this.jedis.append(key, "w");
					this.jedis.expire(key, 100);
					this.jedis.persist(key);
				}
			}
			this.jedis.set("boom:1", "v");
			this.jedis.set("boom:2", "v");
			await().atMost(Duration.ofSeconds(15)).until(() -> handlers.calls("ordered").size() == 600);
			for (String key : List.of("seq:a", "seq:b", "seq:c")) {
				List<String> events = handlers.calls("ordered").stream().filter((c) -> c.startsWith(key + " ")).toList();
				for (int i = 0; i < events.size(); i++) {
					String event = List.of("set", "append", "expire", "persist").get(i % 4);
					assertThat(events.get(i)).as("notification %d of %s", i, key).isEqualTo(key + " " + event);
				}
			}
			await().atMost(Duration.ofSeconds(15))
				.untilAsserted(() -> assertThat(handlers.calls("afterBoom")).containsExactlyInAnyOrder("boom:1", "boom:2"));
			// Different keys may run on different handler threads, so in any order.
			assertThat(context.getBean(RecordingErrorHandler.class).failures).containsExactlyInAnyOrder("Handlers#throwing boom:1",
					"Handlers#throwing boom:2");
		});
	}

	@Test
	void handlersOnAProxiedBeanRunThroughTheProxy() {
		this.runner.withUserConfiguration(HandlerConfiguration.class, ProxyConfiguration.class).run((context) -> {
			ProxiedHandler handler = context.getBean(ProxiedHandler.class);
			assertThat(handler.getClass().getName()).contains("SpringCGLIB");
			this.jedis.set("proxy:1", "v");
			await().atMost(Duration.ofSeconds(15)).until(() -> ProxyConfiguration.intercepted.get() == 1);
			assertThat(ProxyConfiguration.target.keys).containsExactly("proxy:1");
		});
	}

	@Test
	void aBadSignatureFailsStartupNamingTheMethod() {
		this.runner.withUserConfiguration(BadSignatureConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidOnKeyEventException.class)
				.hasMessageContaining("BadSignature#onKey")
				.hasMessageContaining("java.lang.Long");
			FailureAnalysis analysis = new InvalidOnKeyEventFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("BadSignature#onKey");
			assertThat(analysis.getAction()).contains("KeyNotification, String (the key)");
		});
	}

	@Test
	void anUnreachableServerFailsStartupNamingHostAndPort() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		this.runner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues("spring.data.redis.port=" + port)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new NodeConnectionFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
				assertThat(analysis.getDescription()).contains("127.0.0.1:" + port);
				assertThat(analysis.getAction()).contains("spring.data.redis.*").contains("keyspace-notifications.enabled=false");
			});
	}

	@Test
	void aLostConnectionIsPublishedAsANotificationGapEventOnceDeliveryResumes() {
		this.runner.withUserConfiguration(HandlerConfiguration.class, GapListenerConfiguration.class).run((context) -> {
			List<NotificationGapEvent> events = context.getBean(GapListenerConfiguration.class).events;
			assertThat(this.jedis.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB))).isEqualTo(1);
			await().untilAsserted(() -> assertThat(events).singleElement().satisfies((event) -> {
				assertThat(event.getSource()).isSameAs(context.getBean(KeyspaceNotifications.class));
				assertThat(event.gap().cause()).isEqualTo(GapCause.DISCONNECTED);
				assertThat(event.gap().node()).isEqualTo(redis.server().hostAndPort());
				assertThat(event.gap().channels()).contains("__keyspace@0__:product:*");
			}));
			assertThat(context.getBean(KeyspaceNotifications.class).isSubscribed()).isTrue();
		});
	}

	@Test
	void shutdownLetsARunningHandlerFinishAndLeavesNoThreadBehind() {
		SlowHandler slow = new SlowHandler();
		this.runner.withBean(SlowHandler.class, () -> slow).run((context) -> {
			this.jedis.set("slow:1", "v");
			assertThat(slow.started.await(15, TimeUnit.SECONDS)).isTrue();
		});
		assertThat(slow.finished).isTrue();
		assertThat(Thread.getAllStackTraces().keySet())
			.filteredOn((thread) -> thread.getName().startsWith("keyspace-") && thread.isAlive())
			.isEmpty();
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void handlersRunOnVirtualThreadsWhenSpringUsesThem() {
		this.runner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues("spring.threads.virtual.enabled=true")
			.run((context) -> {
				Handlers handlers = context.getBean(Handlers.class);
				this.jedis.set("none:virtual", "v");
				await().atMost(Duration.ofSeconds(15)).until(() -> !handlers.threads.isEmpty());
				Thread thread = handlers.threads.get(0);
				assertThat((boolean) Thread.class.getMethod("isVirtual").invoke(thread)).isTrue();
			});
	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@OnKeyEvent(event = "expired")
	@interface OnExpired {

		@AliasFor(annotation = OnKeyEvent.class, attribute = "key")
		String[] value() default {};

	}

	static class Handlers {

		private final Map<String, List<String>> calls = new ConcurrentHashMap<>();

		final List<Thread> threads = new CopyOnWriteArrayList<>();

		List<String> calls(String handler) {
			return List.copyOf(this.calls.getOrDefault(handler, List.of()));
		}

		private void record(String handler, String call) {
			this.calls.computeIfAbsent(handler, (h) -> new CopyOnWriteArrayList<>()).add(call);
		}

		@OnKeyEvent(key = "product:*")
		void keyPattern(KeyNotification notification) {
			record("keyPattern", notification.key() + " " + notification.event());
		}

		@OnKeyEvent(event = "expired")
		void eventOnly(String key) {
			record("eventOnly", key);
		}

		@OnKeyEvent(key = "order:*", event = { "set", "del" }, id = "custom-id")
		void keyAndEvent(KeyNotification notification) {
			record("keyAndEvent", notification.key() + " " + notification.event());
		}

		@OnExpired("product:*")
		void metaAnnotation(String key) {
			record("metaAnnotation", key);
		}

		@OnKeyEvent(key = "${test.key}")
		void placeholder(byte[] key) {
			record("placeholder", new String(key, StandardCharsets.UTF_8));
		}

		@OnKeyEvent(key = "none:*")
		void noArguments() {
			this.threads.add(Thread.currentThread());
			record("noArguments", "called");
		}

		@OnKeyEvent(key = "rep:a")
		@OnKeyEvent(key = "rep:b")
		void repeated(String key) {
			record("repeated", key);
		}

		@OnKeyEvent(key = "h:*", type = ChannelType.SUBKEYSPACE)
		void subkeys(String key, List<String> subkeys) {
			record("subkeys", key + " " + subkeys);
		}

		@OnKeyEvent(key = "a\\*b")
		void escaped(KeyNotification notification) {
			record("escaped", notification.key() + " " + notification.event());
		}

		@OnKeyEvent(key = "seq:*")
		void ordered(KeyNotification notification) {
			record("ordered", notification.key() + " " + notification.event());
		}

		@OnKeyEvent(key = "boom:*")
		void throwing(String key) {
			throw new IllegalStateException("boom");
		}

		@OnKeyEvent(key = "boom:*")
		void afterBoom(String key) {
			record("afterBoom", key);
		}

	}

	static class ExpiryHandler {

		final AtomicInteger calls = new AtomicInteger();

		@OnKeyEvent(key = "k:*", event = "expired")
		void expired(String key) {
			this.calls.incrementAndGet();
		}

	}

	static class RecordingErrorHandler implements NotificationErrorHandler {

		final List<String> failures = new CopyOnWriteArrayList<>();

		@Override
		public void handleError(KeyNotification notification, io.keyspace.notifications.KeyNotificationHandler handler,
				Throwable error) {
			this.failures.add(handler + " " + notification.key());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class GapListenerConfiguration {

		final List<NotificationGapEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void resync(NotificationGapEvent event) {
			this.events.add(event);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HandlerConfiguration {

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

		@Bean
		RecordingErrorHandler recordingErrorHandler() {
			return new RecordingErrorHandler();
		}

	}

	static class ProxiedHandler {

		final List<String> keys = new CopyOnWriteArrayList<>();

		@OnKeyEvent(key = "proxy:*")
		public void onProxy(String key) {
			this.keys.add(key);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ProxyConfiguration {

		static final AtomicInteger intercepted = new AtomicInteger();

		static ProxiedHandler target;

		@Bean
		ProxiedHandler proxiedHandler() {
			return new ProxiedHandler();
		}

		@Bean
		static BeanPostProcessor proxyingPostProcessor() {
			return new ProxyingPostProcessor();
		}

	}

	/** Wraps the handler bean in a CGLIB proxy before the @OnKeyEvent post-processor sees it. */
	static class ProxyingPostProcessor implements BeanPostProcessor, Ordered {

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			if (!(bean instanceof ProxiedHandler handler)) {
				return bean;
			}
			ProxyConfiguration.intercepted.set(0);
			ProxyConfiguration.target = handler;
			ProxyFactory factory = new ProxyFactory(bean);
			factory.setProxyTargetClass(true);
			factory.addAdvice((MethodInterceptor) (invocation) -> {
				ProxyConfiguration.intercepted.incrementAndGet();
				return invocation.proceed();
			});
			return factory.getProxy();
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

	static class BadSignature {

		@OnKeyEvent(key = "bad:*")
		void onKey(String key, Long count) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadSignatureConfiguration {

		@Bean
		BadSignature badSignature() {
			return new BadSignature();
		}

	}

	static class SlowHandler {

		final CountDownLatch started = new CountDownLatch(1);

		volatile boolean finished;

		@OnKeyEvent(key = "slow:*")
		void onSlow() throws InterruptedException {
			this.started.countDown();
			Thread.sleep(300); // an in-flight handler that shutdown must wait for
			this.finished = true;
		}

	}

}
