package io.keyspace.notifications;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import io.keyspace.notifications.channel.KeyeventChannel;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.channel.SubkeyeventChannel;
import io.keyspace.notifications.channel.SubkeyspaceChannel;
import io.keyspace.notifications.channel.SubkeyspaceeventChannel;
import io.keyspace.notifications.channel.SubkeyspaceitemChannel;
import io.keyspace.notifications.internal.reader.NodeSubscriber;
import io.keyspace.notifications.testing.RedisServer;
import io.keyspace.notifications.testing.RedisBinary;
import io.keyspace.notifications.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

import static io.keyspace.notifications.IntegrationTestSettings.FAST_RECONNECT;
import static io.keyspace.notifications.IntegrationTestSettings.IN_ORDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** Standalone notifications against a real redis-server with {@code notify-keyspace-events KEA}. */
class StandaloneKeyspaceNotificationsIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	private StandaloneKeyspaceNotifications notifications;

	private Jedis jedis;

	@BeforeEach
	void open() {
		this.notifications = create(IN_ORDER);
		this.jedis = redis.server().jedis();
	}

	@AfterEach
	void close() {
		this.notifications.close();
		this.jedis.close();
	}

	static Stream<Arguments> commands() {
		return Stream.of(Arguments.of("set", (Consumer<Jedis>) (j) -> j.set("cmd:set", "v")),
				Arguments.of("del", (Consumer<Jedis>) (j) -> {
					j.set("cmd:del", "v");
					j.del("cmd:del");
				}), Arguments.of("expire", (Consumer<Jedis>) (j) -> {
					j.set("cmd:expire", "v");
					j.expire("cmd:expire", 100);
				}), Arguments.of("expired", (Consumer<Jedis>) (j) -> {
					j.set("cmd:expired", "v");
					j.pexpire("cmd:expired", 50); // 1 ms may have passed when Redis checks it: a "del", not "expired"
				}), Arguments.of("hset", (Consumer<Jedis>) (j) -> j.hset("cmd:hset", "f", "v")),
				Arguments.of("lpush", (Consumer<Jedis>) (j) -> j.lpush("cmd:lpush", "v")),
				Arguments.of("sadd", (Consumer<Jedis>) (j) -> j.sadd("cmd:sadd", "v")),
				Arguments.of("zadd", (Consumer<Jedis>) (j) -> j.zadd("cmd:zadd", 1.0, "v")),
				Arguments.of("xadd", (Consumer<Jedis>) (j) -> j.xadd("cmd:xadd", StreamEntryID.NEW_ENTRY, Map.of("f", "v"))));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("commands")
	void keyspaceAndKeyeventNotificationsForCommonCommands(String event, Consumer<Jedis> command) {
		String key = "cmd:" + event;
		RecordingHandler byKey = new RecordingHandler();
		RecordingHandler byEvent = new RecordingHandler();
		this.notifications.subscribeKeyspace(key, 0, byKey);
		this.notifications.subscribeKeyevent(event, 0, byEvent);
		command.accept(this.jedis);
		byKey.awaitNotification(key, event);
		byEvent.awaitNotification(key, event);
		KeyNotification viaKey = byKey.received().stream().filter((n) -> n.event().equals(event)).findFirst().orElseThrow();
		assertThat(viaKey.type()).isEqualTo(ChannelType.KEYSPACE);
		assertThat(viaKey.isKeyspace()).isTrue();
		assertThat(viaKey.database()).isZero();
		assertThat(viaKey.node()).isEqualTo(redis.server().hostAndPort());
		KeyNotification viaEvent = byEvent.received().get(0);
		assertThat(viaEvent.type()).isEqualTo(ChannelType.KEYEVENT);
		assertThat(viaEvent.channel()).isEqualTo("__keyevent@0__:" + event);
	}

	@Test
	void exactAndPatternChannels() {
		RecordingHandler users = new RecordingHandler();
		RecordingHandler order = new RecordingHandler();
		this.notifications.subscribe(users, new KeyspaceChannel("user:*"));
		this.notifications.subscribe(order, new KeyspaceChannel("order:1"));
		for (String key : List.of("user:1", "order:2", "user:2", "order:1", "other")) {
			this.jedis.set(key, "v");
		}
		users.awaitCount(2);
		order.awaitCount(1);
		assertThat(users.keys()).containsExactly("user:1", "user:2");
		assertThat(users.received()).allSatisfy((n) -> assertThat(n.pattern()).isEqualTo("__keyspace@0__:user:*"));
		assertThat(order.keys()).containsExactly("order:1");
		assertThat(order.received().get(0).pattern()).isNull();
	}

	@Test
	void unsubscribeStopsDeliveryOnTheServerAndTheClient() {
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyspaceChannel("a:*"));
		this.jedis.set("a:1", "v");
		handler.awaitCount(1);
		this.notifications.unsubscribe(new KeyspaceChannel("a:*"));
		await().until(() -> !this.notifications.serverSubscriptions().get(node()).contains("__keyspace@0__:a:*"));
		this.jedis.set("a:2", "v");
		// A later notification on the same connection proves a:2 had its chance to arrive.
		this.notifications.subscribe(handler, new KeyspaceChannel("b:1"));
		this.jedis.set("b:1", "v");
		handler.awaitNotification("b:1", "set");
		assertThat(handler.keys()).containsExactly("a:1", "b:1");
		assertThat(this.jedis.pubsubNumPat()).isZero();
	}

	@Test
	void unsubscribingOneHandlerLeavesTheChannelToTheOthers() {
		RecordingHandler leaving = new RecordingHandler();
		RecordingHandler staying = new RecordingHandler();
		KeyspaceChannel channel = new KeyspaceChannel("shared:*");
		this.notifications.subscribe(leaving, channel);
		this.notifications.subscribe(staying, channel);

		this.notifications.unsubscribe(leaving, channel);
		this.jedis.set("shared:1", "v");
		staying.awaitNotification("shared:1", "set");
		assertThat(this.notifications.serverSubscriptions().get(node())).contains("__keyspace@0__:shared:*");

		this.notifications.unsubscribe(staying, channel);
		await().until(() -> !this.notifications.serverSubscriptions().get(node()).contains("__keyspace@0__:shared:*"));
		assertThat(leaving.received()).isEmpty();
		assertThat(this.notifications.isSubscribed()).isFalse();
	}

	@Test
	void subscribingAndUnsubscribingFromManyThreadsWhileReadingIsSafe() throws Exception {
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyspaceChannel("busy:*"));
		ExecutorService threads = Executors.newFixedThreadPool(5);
		try {
			Future<?> writer = threads.submit(() -> {
				try (Jedis busy = redis.server().jedis()) {
					for (int i = 0; i < 2_000; i++) {
						busy.set("busy:" + i, "v");
					}
				}
			});
			List<Future<?>> changers = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				int thread = t;
				changers.add(threads.submit(() -> {
					for (int i = 0; i < 50; i++) {
						KeyspaceChannel channel = new KeyspaceChannel("mt:" + thread + ":" + i);
						this.notifications.subscribe(handler, channel);
						if (i % 2 == 0) {
							this.notifications.unsubscribe(channel);
						}
					}
				}));
			}
			for (Future<?> changer : changers) {
				changer.get(30, TimeUnit.SECONDS);
			}
			writer.get(30, TimeUnit.SECONDS);
		}
		finally {
			threads.shutdownNow();
		}
		Set<String> expected = new TreeSet<>();
		for (int t = 0; t < 4; t++) {
			for (int i = 1; i < 50; i += 2) {
				expected.add("__keyspace@0__:mt:" + t + ":" + i);
			}
		}
		expected.add("__keyspace@0__:busy:*");
		await().untilAsserted(() -> assertThat(this.notifications.serverSubscriptions().get(node())).isEqualTo(expected));
		for (int t = 0; t < 4; t++) {
			for (int i = 0; i < 50; i++) {
				this.jedis.set("mt:" + t + ":" + i, "v");
			}
		}
		await().until(() -> handler.keys().stream().filter((k) -> k.startsWith("mt:")).count() == 100);
		await().until(() -> handler.keys().stream().filter((k) -> k.startsWith("busy:")).count() == 2_000);
		assertThat(handler.keys()).filteredOn((k) -> k.startsWith("mt:"))
			.allSatisfy((k) -> assertThat(Integer.parseInt(k.substring(k.lastIndexOf(':') + 1)) % 2).isOne());
	}

	@Test
	void keyPrefixFiltersAndStripsKeys() {
		this.notifications.close();
		this.notifications = create(NotificationOptions.builder().keyPrefix("app1:").dispatch(IN_ORDER.dispatch()).build());
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribeKeyevent("set", 0, handler);
		this.jedis.set("app1:x", "v");
		this.jedis.set("app2:y", "v");
		this.jedis.set("app1:z", "v");
		handler.awaitCount(2);
		assertThat(handler.keys()).containsExactly("x", "z");
		await().until(() -> this.notifications.metrics().filtered() == 1);
	}

	@Test
	void aDatabaseOtherThanZero() {
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribeKeyspace("db:key", 3, handler);
		this.notifications.subscribeKeyspace("db:marker", 0, handler);
		this.jedis.set("db:key", "in db 0");
		this.jedis.select(3);
		this.jedis.set("db:key", "in db 3");
		this.jedis.select(0);
		this.jedis.set("db:marker", "v");
		handler.awaitNotification("db:marker", "set");
		assertThat(handler.received()).extracting(KeyNotification::key, KeyNotification::database)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("db:key", 3), org.assertj.core.groups.Tuple.tuple("db:marker", 0));
	}

	@Test
	void pullModeWithPollAndListen() {
		this.notifications.subscribe(new KeyeventChannel("set"));
		this.jedis.set("pull:1", "v");
		this.jedis.set("pull:2", "v");
		assertThat(this.notifications.poll(Duration.ofSeconds(10)).key()).isEqualTo("pull:1");
		assertThat(this.notifications.poll(Duration.ofSeconds(10)).key()).isEqualTo("pull:2");
		assertThat(this.notifications.poll(Duration.ofMillis(50))).isNull();
		IntStream.range(3, 6).forEach((i) -> this.jedis.set("pull:" + i, "v"));
		List<String> listened = this.notifications.listen().limit(3).map(KeyNotification::key).toList();
		assertThat(listened).containsExactly("pull:3", "pull:4", "pull:5");
		assertThat(this.notifications.isSubscribed()).isTrue();
	}

	@Test
	void listenEndsWhenClosed() {
		this.notifications.subscribe(new KeyeventChannel("set"));
		this.jedis.set("end:1", "v");
		List<KeyNotification> seen = new CopyOnWriteArrayList<>();
		Thread listener = new Thread(() -> this.notifications.listen().forEach(seen::add));
		listener.start();
		await().until(() -> seen.size() == 1);
		this.notifications.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> !listener.isAlive());
		assertThat(this.notifications.isSubscribed()).isFalse();
	}

	@Test
	void subkeyNotificationsInTheRedis88WireFormat() {
		RecordingHandler subkeyspace = new RecordingHandler();
		RecordingHandler subkeyevent = new RecordingHandler();
		RecordingHandler item = new RecordingHandler();
		RecordingHandler keyEvent = new RecordingHandler();
		this.notifications.subscribe(subkeyspace, new SubkeyspaceChannel("h:1"));
		this.notifications.subscribe(subkeyevent, new SubkeyeventChannel("hdel"));
		this.notifications.subscribe(item, new SubkeyspaceitemChannel("h:2", "f*"));
		this.notifications.subscribe(keyEvent, new SubkeyspaceeventChannel("hset", "h:3"));
		publish("__subkeyspace@0__:h:1", "hset|6:日本,2:f2");
		publish("__subkeyevent@0__:hdel", "8:ключ|2:f1");
		publish("__subkeyspaceitem@0__:h:2\nfé", "hset");
		publish("__subkeyspaceevent@0__:hset|h:3", "3:a,b,1:c");
		KeyNotification n1 = subkeyspace.awaitCount(1).received().get(0);
		assertThat(n1.type()).isEqualTo(ChannelType.SUBKEYSPACE);
		assertThat(n1.key()).isEqualTo("h:1");
		assertThat(n1.event()).isEqualTo("hset");
		assertThat(n1.subkeys()).containsExactly("日本", "f2");
		KeyNotification n2 = subkeyevent.awaitCount(1).received().get(0);
		assertThat(n2.key()).isEqualTo("ключ");
		assertThat(n2.event()).isEqualTo("hdel");
		assertThat(n2.subkeys()).containsExactly("f1");
		KeyNotification n3 = item.awaitCount(1).received().get(0);
		assertThat(n3.key()).isEqualTo("h:2");
		assertThat(n3.subkeys()).containsExactly("fé");
		assertThat(n3.pattern()).isEqualTo("__subkeyspaceitem@0__:h:2\nf*");
		KeyNotification n4 = keyEvent.awaitCount(1).received().get(0);
		assertThat(n4.key()).isEqualTo("h:3");
		assertThat(n4.event()).isEqualTo("hset");
		assertThat(n4.subkeys()).containsExactly("a,b", "c");
	}

	/**
	 * Redis 7.4's hash-field expiry events, as {@link EventType} constants: published in their
	 * wire format on any server, and made by a real field expiry when the redis-server on the
	 * PATH is 7.4 or later (CI's 7.0 only has the first half).
	 */
	@Test
	void hashFieldExpiryEventsArriveUnderTheirEventTypeConstants() {
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyspaceChannel("hf:*"));
		publish("__keyspace@0__:hf:1", "hexpire");
		publish("__keyspace@0__:hf:1", "hpersist");
		publish("__keyspace@0__:hf:1", "hexpired");
		handler.awaitCount(3);
		assertThat(handler.received()).extracting(KeyNotification::event)
			.containsExactly(EventType.HEXPIRE, EventType.HPERSIST, EventType.HEXPIRED);
		if (RedisBinary.isAtLeast(7, 4)) {
			this.jedis.hset("hf:2", "f", "v");
			this.jedis.hpexpire("hf:2", 50, "f");
			handler.awaitNotification("hf:2", EventType.HEXPIRE).awaitNotification("hf:2", EventType.HEXPIRED);
		}
	}

	@Test
	void malformedNotificationsAreCountedAndSkippedWithoutStoppingTheReader() {
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyspaceChannel("m:*"), new SubkeyspaceChannel("mh"));
		publish("__keyspace@0__:m:1", "");
		publish("__subkeyspace@0__:mh", "hset|9:ab");
		publish("__subkeyspace@0__:mh", "no-pipe");
		this.jedis.set("m:2", "v");
		handler.awaitNotification("m:2", "set");
		assertThat(handler.keys()).containsExactly("m:2");
		assertThat(this.notifications.metrics().malformed()).isEqualTo(3);
	}

	@Test
	void reconnectsAfterClientKillAndLosesNothingWrittenAfterwards() {
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyspaceChannel("r:*"));
		try (LogCapture log = new LogCapture(NodeSubscriber.class, Level.INFO)) {
			assertThat(this.jedis.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB)))
				.isEqualTo(1);
			awaitProbeDelivered(handler, "r:probe");
			assertThat(log.messages(Level.WARN)).singleElement()
				.asString()
				.contains(redis.server().hostAndPort());
			assertEveryWriteDelivered(handler, "r:", 1_000);
		}
	}

	@Test
	void reconnectsAfterTheServerIsKilledAndRestartedOnTheSamePort() {
		RecordingHandler handler = new RecordingHandler();
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		this.notifications.addGapListener(gaps::add);
		Instant subscribing = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		this.notifications.subscribe(handler, new KeyspaceChannel("k:*"), new KeyeventChannel("del"));
		assertThat(this.notifications.isSubscribed()).isTrue();
		RedisServer server = redis.server();
		try (LogCapture log = new LogCapture(NodeSubscriber.class, Level.DEBUG)) {
			this.jedis.close();
			server.kill();
			// Dead now: the connection may still have read something (a PONG) while it died.
			Instant killed = Instant.now();
			// Several attempts fail while the server is down; still only one warning.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> log.messages(Level.DEBUG).stream().filter((m) -> m.startsWith("Reconnect attempt")).count() >= 2);
			assertThat(this.notifications.isSubscribed()).isFalse();
			assertThat(this.notifications.nodes()).singleElement()
				.satisfies((node) -> assertThat(node.state()).isEqualTo(NodeStatus.State.DISCONNECTED));
			assertThat(gaps).isEmpty();
			Instant restarted = Instant.now();
			server.start();
			this.jedis = server.jedis();
			awaitProbeDelivered(handler, "k:probe");
			assertThat(this.notifications.isSubscribed()).isTrue();
			await().untilAsserted(() -> assertThat(gaps).singleElement().satisfies(
					(gap) -> assertThat(gap.node()).isEqualTo(server.hostAndPort()),
					(gap) -> assertThat(gap.cause()).isEqualTo(GapCause.DISCONNECTED),
					// From when the connection last delivered (here its confirmations): whatever the
					// server published after that may never have been sent.
					(gap) -> assertThat(gap.start()).isBetween(subscribing, killed),
					(gap) -> assertThat(gap.end()).isAfter(restarted),
					(gap) -> assertThat(gap.channels())
						.containsExactlyInAnyOrder("__keyspace@0__:k:*", "__keyevent@0__:del")));
			assertThat(this.notifications.nodes()).singleElement().satisfies(
					(node) -> assertThat(node.node()).isEqualTo(server.hostAndPort()),
					(node) -> assertThat(node.state()).isEqualTo(NodeStatus.State.SUBSCRIBED),
					(node) -> assertThat(node.channels()).isEqualTo(2),
					(node) -> assertThat(node.reconnects()).isEqualTo(1),
					(node) -> assertThat(node.gaps()).isEqualTo(1),
					(node) -> assertThat(node.lastRead()).isAfter(restarted));
			assertThat(log.messages(Level.WARN)).singleElement().asString().contains(server.hostAndPort());
			assertThat(log.messages(Level.INFO)).filteredOn((m) -> m.startsWith("Reconnected")).singleElement()
				.asString().contains(server.hostAndPort()).contains("resubscribed 1 channel(s) and 1 pattern(s)");
			assertEveryWriteDelivered(handler, "k:", 1_000);
		}
	}

	@Test
	void aSubscriberDroppedForItsOutputBufferIsReportedLoudlyAndCounted() {
		CountDownLatch release = new CountDownLatch(1);
		this.notifications.close();
		this.notifications = create(NotificationOptions.builder()
			.dispatch(new DispatchSettings(1, 1, OverflowPolicy.BLOCK, Duration.ofSeconds(30), Duration.ofSeconds(5)))
			.build());
		RecordingHandler delivered = new RecordingHandler();
		this.notifications.subscribe((n) -> {
			awaitQuietly(release);
			delivered.onNotification(n);
		}, new KeyspaceChannel("flood:*"));
		this.jedis.configSet("client-output-buffer-limit", "pubsub 64kb 32kb 1");
		try (LogCapture log = new LogCapture(NodeSubscriber.class, Level.INFO)) {
			// The handler is stuck and the queue full, so the reader waits and Redis buffers
			// for us until it passes the limit and closes the connection.
			int written = 200_000;
			Pipeline pipeline = this.jedis.pipelined();
			for (int i = 0; i < written; i++) {
				pipeline.set("flood:" + i, "v");
			}
			pipeline.sync();
			await().atMost(Duration.ofSeconds(20)).until(() -> this.jedis.clientList(ClientType.PUBSUB).isBlank());
			release.countDown();
			await().atMost(Duration.ofSeconds(20)).until(() -> this.notifications.metrics().disconnects() == 1);
			assertThat(log.messages(Level.WARN)).first()
				.asString()
				.contains(redis.server().hostAndPort())
				.contains("client-output-buffer-limit");
			assertThat(delivered.received()).hasSizeLessThan(written);
		}
		finally {
			this.jedis.configSet("client-output-buffer-limit", "pubsub 32mb 8mb 60");
			release.countDown();
		}
	}

	@Test
	void notificationsDroppedByTheOverflowPolicyAreReportedAsOneGapWithTheirCount() {
		CountDownLatch release = new CountDownLatch(1);
		this.notifications.close();
		this.notifications = create(NotificationOptions.builder()
			.dispatch(new DispatchSettings(1, 10, OverflowPolicy.DROP_NEWEST, Duration.ZERO, Duration.ofSeconds(5)))
			.build());
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		this.notifications.addGapListener(gaps::add);
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe((n) -> {
			awaitQuietly(release);
			handler.onNotification(n);
		}, new KeyspaceChannel("ov:*"));
		try {
			Pipeline pipeline = this.jedis.pipelined();
			IntStream.range(0, 1_000).forEach((i) -> pipeline.set("ov:" + i, "v"));
			pipeline.sync();
			await().until(() -> this.notifications.metrics().received() == 1_000);
			long dropped = this.notifications.metrics().dropped(DropReason.OVERFLOW);
			assertThat(dropped).isPositive();
			release.countDown();
			await().until(() -> this.notifications.metrics().inFlight() == 0);
			this.jedis.set("ov:after", "v");
			handler.awaitNotification("ov:after", "set");
			await().untilAsserted(() -> assertThat(gaps).singleElement().satisfies(
					(gap) -> assertThat(gap.cause()).isEqualTo(GapCause.OVERFLOW),
					(gap) -> assertThat(gap.node()).isEqualTo(redis.server().hostAndPort()),
					(gap) -> assertThat(gap.dropped()).isEqualTo(dropped),
					(gap) -> assertThat(gap.end()).isAfterOrEqualTo(gap.start())));
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void aSilentPeerIsDetectedByTheHealthCheck() {
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyspaceChannel("hc:*"));
		try (LogCapture log = new LogCapture(NodeSubscriber.class, Level.INFO)) {
			// Pause all clients for longer than the read timeout (2 x 1 s + 2 s): the PINGs go
			// unanswered, as with a dead peer behind a firewall.
			this.jedis.clientPause(6_000);
			await().atMost(Duration.ofSeconds(10)).until(() -> !log.messages(Level.WARN).isEmpty());
			assertThat(log.messages(Level.WARN).get(0)).contains(redis.server().hostAndPort());
			awaitProbeDelivered(handler, "hc:probe");
		}
	}

	@Test
	void closeIsIdempotentAndStopsEveryThread() {
		List<Thread> handlerThreads = new CopyOnWriteArrayList<>();
		this.notifications.close();
		this.notifications = create(NotificationOptions.builder().handlerThreadFactory((runnable) -> {
			Thread thread = new Thread(runnable, "test-handler");
			handlerThreads.add(thread);
			return thread;
		}).build());
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribeKeyevent("set", 0, handler);
		this.jedis.set("c:1", "v");
		handler.awaitCount(1);
		this.notifications.close();
		this.notifications.close();
		assertThat(handlerThreads).isNotEmpty().noneMatch(Thread::isAlive);
		String readerName = "keyspace-reader-" + redis.server().hostAndPort();
		assertThat(Thread.getAllStackTraces().keySet()).noneMatch((t) -> t.getName().equals(readerName) && t.isAlive());
		assertThat(this.notifications.isSubscribed()).isFalse();
		assertThat(this.jedis.pubsubNumPat() + this.jedis.pubsubChannels().size()).isZero();
	}

	@Test
	void anUnreachableServerFailsTheFirstSubscribeNamingHostAndPort() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		try (StandaloneKeyspaceNotifications unreachable = new StandaloneKeyspaceNotifications("127.0.0.1", port)) {
			assertThatExceptionOfType(NodeConnectionException.class)
				.isThrownBy(() -> unreachable.subscribeKeyevent("set", 0, new RecordingHandler()))
				.withMessageContaining("127.0.0.1:" + port)
				.withMessageContaining("spring.data.redis");
			assertThat(unreachable.isSubscribed()).isFalse();
		}
	}

	/** A gate for a handler: bounded, so a failed test cannot leave a handler thread stuck. */
	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private StandaloneKeyspaceNotifications create(NotificationOptions options) {
		return new StandaloneKeyspaceNotifications(node(), FAST_RECONNECT, options);
	}

	private static RedisNode node() {
		return new RedisNode(redis.server().host(), redis.server().port());
	}

	private void publish(String channel, String message) {
		this.jedis.publish(channel.getBytes(StandardCharsets.UTF_8), message.getBytes(StandardCharsets.UTF_8));
	}

	/** Writes probe keys until one is notified: proof that the subscription is back. */
	private void awaitProbeDelivered(RecordingHandler handler, String probePrefix) {
		AtomicInteger probe = new AtomicInteger();
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
			try (Jedis writer = redis.server().jedis()) {
				writer.set(probePrefix + probe.incrementAndGet(), "v");
			}
			return handler.keys().stream().anyMatch((key) -> key.startsWith(probePrefix));
		});
	}

	private void assertEveryWriteDelivered(RecordingHandler handler, String prefix, int count) {
		for (int i = 0; i < count; i++) {
			this.jedis.set(prefix + "after-" + i, "v");
		}
		await().atMost(Duration.ofSeconds(15))
			.until(() -> handler.keys().stream().filter((k) -> k.startsWith(prefix + "after-")).count() >= count);
		List<String> after = handler.keys().stream().filter((k) -> k.startsWith(prefix + "after-")).toList();
		assertThat(after).hasSize(count).doesNotHaveDuplicates();
	}

}
