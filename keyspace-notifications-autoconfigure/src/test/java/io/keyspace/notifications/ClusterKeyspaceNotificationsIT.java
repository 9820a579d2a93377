package io.keyspace.notifications;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import io.keyspace.notifications.channel.KeyeventChannel;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.channel.SubkeyspaceChannel;
import io.keyspace.notifications.internal.cluster.ClusterTopology;
import io.keyspace.notifications.internal.cluster.ClusterTopologyReader;
import io.keyspace.notifications.testing.ClusterNode;
import io.keyspace.notifications.testing.LocalRedisCluster;
import io.keyspace.notifications.testing.RedisClusterExtension;
import io.keyspace.notifications.testing.RedisServer;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisMovedDataException;

import static io.keyspace.notifications.IntegrationTestSettings.FAST_RECONNECT;
import static io.keyspace.notifications.IntegrationTestSettings.IN_ORDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Cluster notifications against a real 3-primary/3-replica Redis Cluster. One cluster serves
 * the whole class and later tests change its topology (slot moves, failovers, a fourth
 * primary, a full outage), so the tests are ordered and look roles up fresh.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterKeyspaceNotificationsIT {

	@RegisterExtension
	static final RedisClusterExtension redis = RedisClusterExtension.create();

	private static final Duration REFRESH = Duration.ofSeconds(1);

	private ClusterKeyspaceNotifications notifications;

	private final AtomicInteger unique = new AtomicInteger();

	@BeforeEach
	void open() {
		this.notifications = create(REFRESH, new ClusterTopologyReader(FAST_RECONNECT)::read);
	}

	@AfterEach
	void close() {
		this.notifications.close();
	}

	@Test
	@Order(1)
	void keyspaceAndKeyeventNotificationsFromEveryPrimaryAndNoneFromReplicas() {
		RecordingHandler byKey = new RecordingHandler();
		RecordingHandler byEvent = new RecordingHandler();
		this.notifications.subscribe(byKey, new KeyspaceChannel("crud:*"));
		this.notifications.subscribe(byEvent, new KeyeventChannel("set"), new KeyeventChannel("append"),
				new KeyeventChannel("del"));
		List<ClusterNode> primaries = cluster().primaries();
		Map<String, ClusterNode> keys = new LinkedHashMap<>();
		for (ClusterNode primary : primaries) {
			String key = cluster().keyOn(primary, "crud:");
			keys.put(key, primary);
			cluster().set(key, "created");
			cluster().onOwner(key, (jedis) -> jedis.append(key, "+updated"));
			cluster().del(key);
		}
		for (RecordingHandler handler : List.of(byKey, byEvent)) {
			handler.awaitCount(9);
			keys.forEach((key, primary) -> assertThat(handler.received())
				.filteredOn((n) -> n.key().equals(key))
				.extracting(KeyNotification::event, KeyNotification::node)
				.containsExactly(tuple("set", primary), tuple("append", primary), tuple("del", primary)));
		}
		assertThat(byKey.received()).allSatisfy((n) -> assertThat(n.type()).isEqualTo(ChannelType.KEYSPACE));
		assertThat(byEvent.received()).allSatisfy((n) -> assertThat(n.type()).isEqualTo(ChannelType.KEYEVENT));
		assertThat(this.notifications.primaries()).containsExactlyInAnyOrderElementsOf(redisNodes(primaries));
		for (ClusterNode primary : primaries) {
			assertThat(pubsubOf(primary)).as("subscriptions on %s", primary)
				.isEqualTo(new PubSub(Set.of("__keyevent@0__:set", "__keyevent@0__:append", "__keyevent@0__:del"), 1));
		}
		assertNoSubscriptionOnReplicas();
	}

	@Test
	@Order(2)
	void anExactSubkeyChannelIsSubscribedOnEveryPrimary() {
		String key = "h:{x}";
		ClusterNode owner = cluster().ownerOf(key);
		ClusterNode other = cluster().primaries().stream().filter((p) -> !p.equals(owner)).findFirst().orElseThrow();
		RecordingHandler exact = new RecordingHandler();
		RecordingHandler everywhere = new RecordingHandler();
		this.notifications.subscribe(exact, new SubkeyspaceChannel(key));
		this.notifications.subscribe(everywhere, new SubkeyspaceChannel("hp:*"));
		// The owner has confirmed when subscribe returns; the others may still be confirming.
		assertThat(this.notifications.serverSubscriptions().get(redisNode(owner))).contains("__subkeyspace@0__:h:{x}");
		await().untilAsserted(() -> assertThat(this.notifications.serverSubscriptions())
			.containsOnlyKeys(redisNodes(cluster().primaries()))
			.allSatisfy((node, channels) -> assertThat(channels)
				.contains("__subkeyspace@0__:hp:*", "__subkeyspace@0__:h:{x}")));
		// A 7.0 server cannot emit subkey events: publish the 8.8 wire format. PUBLISH goes
		// over the cluster bus to every node, so every primary delivers it (a real event comes
		// only from the node holding the key).
		try (Jedis jedis = other.jedis()) {
			jedis.publish("__subkeyspace@0__:" + key, "hset|2:f1");
			jedis.publish("__subkeyspace@0__:hp:marker", "hset|1:m");
		}
		everywhere.awaitCount(3);
		exact.awaitCount(3);
		assertThat(exact.received()).extracting(KeyNotification::node)
			.containsExactlyInAnyOrderElementsOf(hostAndPorts(cluster().primaries()));
		assertThat(exact.received()).allSatisfy((n) -> {
			assertThat(n.type()).isEqualTo(ChannelType.SUBKEYSPACE);
			assertThat(n.key()).isEqualTo(key);
			assertThat(n.event()).isEqualTo("hset");
			assertThat(n.subkeys()).containsExactly("f1");
		});
	}

	@Test
	@Order(3)
	void tenThousandKeysOverAllSlotsAreDeliveredExactlyOnce() {
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyspaceChannel("bulk:*"));
		ClusterTopology topology = new ClusterTopologyReader(FAST_RECONNECT).read(redisNodes(cluster().primaries()));
		Map<RedisNode, List<String>> byOwner = IntStream.range(0, 10_000)
			.mapToObj((i) -> "bulk:" + i)
			.collect(Collectors.groupingBy((key) -> topology.ownerOf(key.getBytes()).orElseThrow(), LinkedHashMap::new,
					Collectors.toList()));
		assertThat(byOwner).hasSize(3);
		byOwner.forEach((node, keys) -> {
			try (Jedis jedis = new Jedis(node.host(), node.port())) {
				Pipeline pipeline = jedis.pipelined();
				keys.forEach((key) -> pipeline.set(key, "v"));
				pipeline.sync();
			}
		});
		awaitMarkersOnEveryPrimary(handler, "bulk:end:");
		List<KeyNotification> bulk = handler.received().stream().filter((n) -> !n.key().startsWith("bulk:end:")).toList();
		assertThat(bulk).hasSize(10_000);
		assertThat(bulk.stream().map(KeyNotification::key).collect(Collectors.toSet())).hasSize(10_000);
		byOwner.forEach((node, keys) -> assertThat(bulk.stream().filter((n) -> n.node().equals(node.toString())))
			.as("notifications from %s", node)
			.hasSize(keys.size()));
	}

	@Test
	@Order(4)
	void unsubscribeRemovesTheSubscriptionFromEveryNode() {
		String exactKey = "u:{one}";
		NotificationChannel pattern = new KeyspaceChannel("u:*");
		NotificationChannel event = new KeyeventChannel("set");
		NotificationChannel exact = new KeyspaceChannel(exactKey);
		this.notifications.subscribe(new RecordingHandler(), pattern, event, exact);
		Set<String> channels = Set.of("__keyevent@0__:set", "__keyspace@0__:u:{one}");
		await().untilAsserted(() -> {
			for (ClusterNode primary : cluster().primaries()) {
				assertThat(pubsubOf(primary)).as("subscriptions on %s", primary).isEqualTo(new PubSub(channels, 1));
			}
		});

		this.notifications.unsubscribe(pattern);
		await().untilAsserted(() -> {
			for (ClusterNode primary : cluster().primaries()) {
				assertThat(pubsubOf(primary)).as("subscriptions on %s", primary).isEqualTo(new PubSub(channels, 0));
			}
		});
		this.notifications.unsubscribe(event, exact);
		await().untilAsserted(() -> {
			for (ClusterNode node : cluster().nodes()) {
				assertThat(pubsubOf(node)).as("subscriptions on %s", node).isEqualTo(PubSub.NONE);
			}
		});
		assertThat(this.notifications.isSubscribed()).isFalse();
		assertThat(this.notifications.serverSubscriptions()).isEmpty();
	}

	@Test
	@Order(5)
	void databaseOtherThanZeroAndUnreachableSeedsAreRejected() throws IOException {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.notifications.subscribeKeyspace("k", 1, new RecordingHandler()))
			.withMessageContaining("only database 0")
			.withMessageContaining("__keyspace@1__:k");
		assertThat(this.notifications.isSubscribed()).isFalse();
		assertThat(this.notifications.primaries()).isEmpty();

		RedisNode nowhere = new RedisNode("127.0.0.1", freePort());
		try (ClusterKeyspaceNotifications unreachable = new ClusterKeyspaceNotifications(List.of(nowhere),
				FAST_RECONNECT, IN_ORDER, REFRESH)) {
			assertThatExceptionOfType(KeyspaceNotificationsException.class)
				.isThrownBy(() -> unreachable.subscribeKeyevent("set", 0, new RecordingHandler()))
				.withMessageContaining(nowhere.toString())
				.withMessageContaining("spring.data.redis.cluster.nodes");
			assertThat(unreachable.isSubscribed()).isFalse();
		}
	}

	@Test
	@Order(5)
	void handlersSubscribedTogetherAreConfirmedByTheOwnersAndReadFromEveryPrimary() {
		Map<KeyNotificationHandler, List<NotificationChannel>> handlers = new LinkedHashMap<>();
		Map<String, RecordingHandler> byKey = new LinkedHashMap<>();
		for (int i = 0; i < 300; i++) {
			String key = "together:" + i;
			RecordingHandler handler = new RecordingHandler();
			byKey.put(key, handler);
			handlers.put(handler, List.of(new KeyspaceChannel(key)));
		}

		this.notifications.subscribeAll(handlers);

		Map<RedisNode, Set<String>> confirmed = this.notifications.serverSubscriptions();
		byKey.keySet().forEach((key) -> assertThat(confirmed.get(redisNode(cluster().ownerOf(key))))
			.as("confirmed by the owner of %s when subscribeAll returns", key)
			.contains("__keyspace@0__:" + key));
		await().untilAsserted(() -> assertThat(this.notifications.serverSubscriptions())
			.containsOnlyKeys(redisNodes(cluster().primaries()))
			.allSatisfy((node, channels) -> assertThat(channels).hasSizeGreaterThanOrEqualTo(300)));
		byKey.keySet().forEach((key) -> cluster().set(key, "v"));
		byKey.forEach((key, handler) -> {
			handler.awaitNotification(key, "set");
			assertThat(handler.keys()).as("only its own key").containsOnly(key);
		});

		// A channel refused: nothing of the call is subscribed.
		RecordingHandler refused = new RecordingHandler();
		Map<KeyNotificationHandler, List<NotificationChannel>> withRefused = new LinkedHashMap<>();
		withRefused.put(new RecordingHandler(), List.of(new KeyspaceChannel("together:new")));
		withRefused.put(refused, List.of(new KeyspaceChannel("together:db1", 1)));
		assertThatIllegalArgumentException().isThrownBy(() -> this.notifications.subscribeAll(withRefused))
			.withMessageContaining("only database 0");
		assertThat(nodesSubscribedTo("__keyspace@0__:together:new")).isEmpty();
	}

	@Test
	@Order(6)
	void theTopologyIsReadFromANodeInAHealthyCluster() {
		ClusterTopologyReader reader = new ClusterTopologyReader(FAST_RECONNECT);
		RedisNode seed = redisNode(cluster().primaries().get(0));
		Set<RedisNode> primaries = redisNodes(cluster().primaries());
		try (RedisServer lonely = RedisServer.builder().config("cluster-enabled", "yes").start()) {
			RedisNode alone = new RedisNode(lonely.host(), lonely.port());
			// A node outside any cluster knows no slots: following it would close every subscription.
			assertThatExceptionOfType(KeyspaceNotificationsException.class).isThrownBy(() -> reader.read(List.of(alone)))
				.withMessageContaining(alone + " (no slot is assigned)");
			assertThat(reader.read(List.of(alone, seed)).primaries()).isEqualTo(primaries);
			// Claiming slots without cluster_state:ok, like a replaced primary that was just restarted.
			try (Jedis jedis = lonely.jedis()) {
				jedis.clusterAddSlotsRange(0, 100);
				assertThat(jedis.clusterInfo()).contains("cluster_state:fail");
			}
			assertThat(reader.read(List.of(alone, seed)).primaries()).isEqualTo(primaries);
			// With no better answer it is used: during a failover no node reports ok.
			assertThat(reader.read(List.of(alone)).primaries()).containsExactly(alone);
		}
	}

	@Test
	@Order(7)
	void aFailedRefreshKeepsReadingAndRetriesWithBackoff() throws IOException {
		this.notifications.close();
		ClusterTopologyReader reader = new ClusterTopologyReader(FAST_RECONNECT);
		AtomicReference<Function<List<RedisNode>, ClusterTopology>> source = new AtomicReference<>(reader::read);
		AtomicInteger reads = new AtomicInteger();
		// A long interval: every read after a failure below is a retry, not the timer.
		this.notifications = create(Duration.ofMinutes(10), (candidates) -> {
			reads.incrementAndGet();
			return source.get().apply(candidates);
		});
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyspaceChannel("fr:*"));
		Set<RedisNode> primaries = redisNodes(cluster().primaries());
		try (LogCapture log = new LogCapture(ClusterKeyspaceNotifications.class, Level.INFO)) {
			// 1. No node answers: the readers keep going and the refresh is retried.
			source.set((candidates) -> {
				throw new KeyspaceNotificationsException("Simulated: no seed answers");
			});
			int before = reads.get();
			this.notifications.refresh();
			assertThat(this.notifications.isSubscribed()).isTrue();
			assertThat(this.notifications.primaries()).isEqualTo(primaries);
			await().atMost(Duration.ofSeconds(5)).until(() -> reads.get() >= before + 4);
			awaitMarkersOnEveryPrimary(handler, "fr:a:");
			assertThat(log.messages(Level.WARN)).singleElement().asString().contains("Simulated: no seed answers");

			source.set(reader::read);
			await().until(() -> log.messages(Level.INFO).stream().anyMatch((m) -> m.contains("complete again")));

			// 2. The only primary named cannot be connected: the old ones are closed (they
			// would be replicas), and connecting is retried until the topology is right again.
			RedisNode nowhere = new RedisNode("127.0.0.1", freePort());
			source.set((candidates) -> ClusterTopology.of(Map.of(nowhere, new int[] { 0, ClusterTopology.SLOTS - 1 })));
			this.notifications.refresh();
			assertThat(this.notifications.primaries()).isEmpty();
			assertThat(this.notifications.isSubscribed()).isFalse();
			int during = reads.get();
			await().atMost(Duration.ofSeconds(5)).until(() -> reads.get() >= during + 3);
			assertThat(log.messages(Level.WARN)).hasSize(2).last().asString().contains(nowhere.toString());

			source.set(reader::read);
			await().atMost(Duration.ofSeconds(5)).until(() -> primaries.equals(this.notifications.primaries()));
			awaitMarkersOnEveryPrimary(handler, "fr:b:");
			assertThat(this.notifications.isSubscribed()).isTrue();
			assertThat(log.messages(Level.INFO)).filteredOn((m) -> m.contains("complete again")).hasSize(2);
		}
	}

	@Test
	@Order(8)
	void patternAndExactKeyChannelsFollowSlotsMovedToAnotherPrimary() {
		ClusterNode source = cluster().ownerOfSlot(100);
		ClusterNode target = cluster().primaries().stream().filter((p) -> !p.equals(source)).findFirst().orElseThrow();
		// One key in each of slots 100-102; the exact-key channel is for the first.
		List<String> keys = IntStream.rangeClosed(100, 102).mapToObj((slot) -> "mv:{" + tagForSlot(slot) + "}").toList();
		String exactKey = keys.get(0);
		String channel = "__keyspace@0__:" + exactKey;
		RecordingHandler byPattern = new RecordingHandler();
		RecordingHandler byKey = new RecordingHandler();
		this.notifications.subscribe(byPattern, new KeyspaceChannel("mv:*"));
		this.notifications.subscribe(byKey, new KeyspaceChannel(exactKey));
		await().until(() -> nodesSubscribedTo(channel).equals(redisNodes(cluster().primaries())));
		keys.forEach((key) -> cluster().set(key, "before"));
		byPattern.awaitCount(3);

		cluster().moveSlots(source, target, 100, 102);
		// No refresh() call and no wait: every primary was subscribed already.
		keys.forEach((key) -> cluster().set(key, "after"));

		await().until(() -> byPattern.received().stream().filter((n) -> n.event().equals("set")).count() == 6);
		assertThat(byPattern.received()).filteredOn((n) -> n.event().equals("set"))
			.extracting(KeyNotification::key, KeyNotification::node)
			.containsExactly(tuple(keys.get(0), source), tuple(keys.get(1), source), tuple(keys.get(2), source),
					tuple(keys.get(0), target), tuple(keys.get(1), target), tuple(keys.get(2), target));
		// The move itself: MIGRATE deletes each key on the old owner, RESTORE recreates it on the new one.
		assertThat(byPattern.received()).filteredOn((n) -> !n.event().equals("set"))
			.extracting(KeyNotification::event, KeyNotification::key, KeyNotification::node)
			.containsExactlyInAnyOrderElementsOf(keys.stream()
				.flatMap((key) -> Stream.of(Tuple.tuple("del", key, source.hostAndPort()),
						Tuple.tuple("restore", key, target.hostAndPort())))
				.toList());
		await().until(() -> byKey.received().stream().filter((n) -> n.event().equals("set")).count() == 2);
		assertThat(byKey.received()).filteredOn((n) -> n.event().equals("set"))
			.extracting(KeyNotification::node)
			.containsExactly(source.hostAndPort(), target.hostAndPort());
	}

	@Test
	@Order(9)
	void followsAManualFailoverAndAKilledPrimaryWithoutDuplicates() {
		ClusterNode original = cluster().primaries().get(0);
		String slot = "fo:{" + cluster().keyOn(original, "fo") + "}";
		String exactKey = slot + "exact";
		RecordingHandler byPattern = new RecordingHandler();
		RecordingHandler byKey = new RecordingHandler();
		this.notifications.subscribe(byPattern, new KeyspaceChannel("fo:*"));
		this.notifications.subscribe(byKey, new KeyspaceChannel(exactKey));
		assertDeliveredExactlyOnce(byPattern, slot, original);

		// Manual failover: the old primary stays up as a replica, still connected.
		ClusterNode promoted = cluster().failover(original);
		awaitDeliveryFrom(byPattern, slot, promoted, REFRESH.plusSeconds(1));
		assertNoSubscriptionOnReplicas();
		assertDeliveredExactlyOnce(byPattern, slot, promoted);
		assertExactKeyDeliveredOnceBy(byKey, exactKey, promoted);

		// kill -9 of the new primary: its replica (the original) takes over again.
		ClusterNode survivor = cluster().killPrimary(promoted);
		awaitDeliveryFrom(byPattern, slot, survivor, REFRESH.plusSeconds(1));
		assertDeliveredExactlyOnce(byPattern, slot, survivor);
		assertExactKeyDeliveredOnceBy(byKey, exactKey, survivor);

		// The killed node comes back as a replica and must not be read.
		cluster().restart(promoted);
		assertThat(cluster().replicasOf(survivor)).contains(promoted);
		assertNoSubscriptionOnReplicas();
		assertThat(this.notifications.primaries()).isEqualTo(redisNodes(cluster().primaries()));
		assertDeliveredExactlyOnce(byPattern, slot, survivor);
	}

	@Test
	@Order(10)
	void aFourthPrimaryIsSubscribedOnceItOwnsSlots() {
		RecordingHandler byPattern = new RecordingHandler();
		RecordingHandler byKey = new RecordingHandler();
		ClusterNode source = cluster().primaries().get(2);
		String tag = cluster().keyOn(source, "n");
		String slot = "add:{" + tag + "}";
		String exactKey = slot + "exact";
		this.notifications.subscribe(byPattern, new KeyspaceChannel("add:*"));
		this.notifications.subscribe(byKey, new KeyspaceChannel(exactKey));

		ClusterNode added = cluster().addPrimary();
		assertThat(this.notifications.primaries()).doesNotContain(redisNode(added));
		cluster().moveSlots(source, added, cluster().slot(tag), cluster().slot(tag));
		await().atMost(REFRESH.plusSeconds(2)).until(() -> this.notifications.primaries().contains(redisNode(added)));

		assertThat(this.notifications.serverSubscriptions().get(redisNode(added)))
			.containsExactlyInAnyOrder("__keyspace@0__:add:*", "__keyspace@0__:" + exactKey);
		assertThat(this.notifications.serverSubscriptions().get(redisNode(source)))
			.containsExactlyInAnyOrder("__keyspace@0__:add:*", "__keyspace@0__:" + exactKey);
		assertDeliveredExactlyOnce(byPattern, slot, added);
		assertExactKeyDeliveredOnceBy(byKey, exactKey, added);
		assertThat(this.notifications.primaries()).hasSize(4);
	}

	@Test
	@Order(11)
	void recoversFromAFullOutageWithoutBeingRestarted() {
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyspaceChannel("out:*"));
		List<ClusterNode> nodes = cluster().nodes();
		Set<RedisNode> primaries = redisNodes(cluster().primaries());
		try (LogCapture log = new LogCapture(ClusterKeyspaceNotifications.class, Level.DEBUG)) {
			// The first failure may be the topology read or a replica standing in for a lost
			// primary, depending on which nodes were still up when it was tried.
			nodes.forEach((node) -> node.server().kill());
			await().atMost(Duration.ofSeconds(10))
				.until(() -> log.messages(Level.WARN).stream().anyMatch((m) -> m.contains("retrying with backoff")));
			await().atMost(Duration.ofSeconds(5))
				.until(() -> log.messages(Level.DEBUG).stream().anyMatch((m) -> m.startsWith("Attempt 3 ")));
			// Every seed is down: the readers stay and keep reconnecting, but nothing is delivered.
			assertThat(this.notifications.isSubscribed()).isFalse();
			assertThat(this.notifications.primaries()).isEqualTo(primaries);
			assertThat(liveThreadNames()).containsAll(
					primaries.stream().map((node) -> "keyspace-reader-" + node).toList());

			nodes.forEach((node) -> node.server().start());
			cluster().awaitSettled();
			awaitMarkersOnEveryPrimary(handler, "out:");
			await().until(() -> log.messages(Level.INFO).stream().anyMatch((m) -> m.contains("complete again")));
			await().until(this.notifications::isSubscribed);
			assertThat(log.messages(Level.WARN)).singleElement();
		}
	}

	@Test
	@Order(12)
	void aFrozenPrimaryDelaysNoSubscriptionOnAnotherPrimary() throws Exception {
		cluster().awaitSettled();
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyspaceChannel("fz:*"));
		ClusterNode frozen = cluster().primaries().get(0);
		ClusterNode other = cluster().primaries().get(1);
		String key = cluster().keyOn(other, "fz-exact:");
		// A refresh asks the frozen primary first and hangs there for the command timeout; a
		// pattern subscription waits for the frozen primary's confirmation.
		Thread refresh = new Thread(this.notifications::refresh);
		Thread patternSubscription = new Thread(() -> this.notifications.subscribe(handler, new KeyspaceChannel("fz2:*")));
		frozen.server().freeze();
		try {
			refresh.start();
			patternSubscription.start();
			await().until(() -> patternSubscription.getState() == Thread.State.TIMED_WAITING);
			long start = System.nanoTime();
			this.notifications.subscribe(handler, new KeyspaceChannel(key));
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(took).isLessThan(FAST_RECONNECT.commandTimeout().dividedBy(4));
			assertThat(this.notifications.serverSubscriptions().get(redisNode(other))).contains("__keyspace@0__:" + key);
			cluster().set(key, "v");
			handler.awaitNotification(key, "set");
		}
		finally {
			frozen.server().thaw();
		}
		refresh.join(FAST_RECONNECT.commandTimeout().multipliedBy(3).toMillis());
		patternSubscription.join(FAST_RECONNECT.commandTimeout().multipliedBy(3).toMillis());
		assertThat(refresh.isAlive()).isFalse();
		assertThat(patternSubscription.isAlive()).isFalse();
		awaitMarkersOnEveryPrimary(handler, "fz:");
	}

	@Test
	@Order(13)
	void everyWriteAcknowledgedByAPromotedReplicaIsDelivered() throws Exception {
		Set<String> delivered = ConcurrentHashMap.newKeySet();
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		this.notifications.addGapListener(gaps::add);
		this.notifications.subscribe((n) -> delivered.add(n.key()), new KeyspaceChannel("fw:*"));
		for (int slot : new int[] { 0, 6000, 12000 }) {
			ClusterNode primary = cluster().ownerOfSlot(slot);
			try (FailoverWriter writer = new FailoverWriter("fw:" + slot + ":", primary, cluster())) {
				await().until(() -> writer.written() >= 2_000);
				Instant killed = Instant.now();
				ClusterNode promoted = cluster().killPrimary(primary);
				// The replica stood in while its primary was down: subscribed before the promotion showed.
				assertThat(this.notifications.serverSubscriptions().get(redisNode(promoted)))
					.contains("__keyspace@0__:fw:*");
				await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(writer.acknowledgedByReplica())
					.as(writer::toString).isGreaterThanOrEqualTo(500));
				writer.stop();
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gaps)
					.anySatisfy((gap) -> assertThat(gap).satisfies(
							(g) -> assertThat(g.node()).isEqualTo(primary.hostAndPort()),
							(g) -> assertThat(g.cause()).isEqualTo(GapCause.FAILOVER),
							// From when the dying primary's connection last delivered: at 2,500 writes/s,
							// just before the kill.
							(g) -> assertThat(g.start()).isBetween(killed.minusMillis(100), writer.firstReplicaAck()),
							(g) -> assertThat(g.end()).isAfter(writer.firstReplicaAck().minusSeconds(1)),
							(g) -> assertThat(g.channels()).contains("__keyspace@0__:fw:*"))));
				Set<String> acknowledged = writer.acknowledgedOutsideTheDyingPrimary();
				await().atMost(Duration.ofSeconds(10)).untilAsserted(
						() -> assertThat(acknowledged).allMatch(delivered::contains, "delivered"));
			}
			cluster().restart(primary);
		}
	}

	/**
	 * Writes keys over all slots at about 2,500 SET/s, each to its owner. Writes to the slots
	 * of the primary that will be killed go to whichever of it and its replicas accepts them
	 * (a replica answers MOVED until it is promoted). Remembers every write acknowledged by
	 * another node than that primary: all of them must be delivered.
	 */
	private static final class FailoverWriter implements AutoCloseable {

		private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

		private final AtomicInteger written = new AtomicInteger();

		private final AtomicInteger byReplica = new AtomicInteger();

		private final AtomicReference<Instant> firstReplicaAck = new AtomicReference<>();

		private final AtomicBoolean stopped = new AtomicBoolean();

		private final AtomicReference<String> lastFailure = new AtomicReference<>("none");

		private final Thread thread;

		FailoverWriter(String prefix, ClusterNode dying, LocalRedisCluster cluster) {
			List<ClusterNode> standIns = new ArrayList<>(List.of(dying));
			standIns.addAll(cluster.replicasOf(dying));
			ClusterTopology topology = new ClusterTopologyReader(FAST_RECONNECT).read(redisNodes(cluster.primaries()));
			Map<RedisNode, ClusterNode> byAddress = new HashMap<>();
			cluster.primaries().forEach((node) -> byAddress.put(redisNode(node), node));
			Function<String, ClusterNode> owners = (key) -> byAddress
				.get(topology.ownerOf(key.getBytes(StandardCharsets.UTF_8)).orElseThrow());
			this.thread = new Thread(() -> write(prefix, dying, standIns, owners), "failover-writer");
			this.thread.start();
		}

		private void write(String prefix, ClusterNode dying, List<ClusterNode> standIns,
				Function<String, ClusterNode> owners) {
			Map<ClusterNode, Jedis> connections = new LinkedHashMap<>();
			int standIn = 0;
			long next = System.nanoTime();
			try {
				for (int i = 0; !this.stopped.get(); i++) {
					String key = prefix + i;
					ClusterNode owner = owners.apply(key);
					ClusterNode target = owner.equals(dying) ? standIns.get(standIn) : owner;
					try {
						connections.computeIfAbsent(target, ClusterNode::jedis).set(key, "v");
						this.written.incrementAndGet();
						if (!target.equals(dying)) {
							this.acknowledged.add(key);
						}
						if (owner.equals(dying) && standIn > 0 && this.byReplica.incrementAndGet() == 1) {
							this.firstReplicaAck.set(Instant.now());
						}
					}
					catch (RuntimeException ex) {
						// A healthy primary answers CLUSTERDOWN while a slot has no owner: that write is not
						// acknowledged, so not expected. For the dying primary's slots, the node is down or a
						// replica answers MOVED until promoted: try the next one.
						this.lastFailure.set(target + ": " + ex);
						if (owner.equals(dying)) {
							Jedis broken = connections.remove(target);
							if (broken != null) {
								broken.close();
							}
							standIn = (standIn + 1) % standIns.size();
						}
					}
					next += 400_000; // 2,500 writes/s
					LockSupport.parkNanos(next - System.nanoTime());
				}
			}
			finally {
				connections.values().forEach(Jedis::close);
			}
		}

		int written() {
			return this.written.get();
		}

		int acknowledgedByReplica() {
			return this.byReplica.get();
		}

		Instant firstReplicaAck() {
			return this.firstReplicaAck.get();
		}

		@Override
		public String toString() {
			return "written " + written() + ", by a replica " + acknowledgedByReplica() + ", writer "
					+ (this.thread.isAlive() ? "running" : "stopped") + ", last failure " + this.lastFailure.get();
		}

		Set<String> acknowledgedOutsideTheDyingPrimary() {
			return Set.copyOf(this.acknowledged);
		}

		void stop() throws InterruptedException {
			this.stopped.set(true);
			this.thread.join(10_000);
		}

		@Override
		public void close() throws InterruptedException {
			stop();
		}

	}

	@Test
	@Order(14)
	void theTopologyIsReadWithTheDocumentedPermissions() {
		List<RedisNode> seeds = cluster().seedNodes().stream().map(RedisNode::parse).toList();
		Set<RedisNode> primaries = redisNodes(cluster().primaries());
		List<ClusterNode> nodes = cluster().nodes();
		// ACLs are node-local: every node gets the users.
		Map<String, String[]> users = Map.of(
				"topology-shards", new String[] { "reset", "on", ">s3cret", "+cluster|shards", "+cluster|info" },
				"topology-slots", new String[] { "reset", "on", ">s3cret", "+cluster|slots", "+cluster|info" });
		users.forEach((user, rules) -> forEach(nodes, (jedis) -> jedis.aclSetUser(user, rules)));
		try {
			// Without cluster|shards the reader falls back to CLUSTER SLOTS.
			for (String user : users.keySet()) {
				assertThat(readerFor(user).read(seeds).primaries()).as(user).isEqualTo(primaries);
			}
		}
		finally {
			forEach(nodes, (jedis) -> users.keySet().forEach(jedis::aclDelUser));
		}
	}

	@Test
	@Order(15)
	void everyWriteToAKeyWhoseSlotMigratesIsDeliveredToItsExactKeyHandler() throws Exception {
		// SETSLOT NODE refuses a slot whose source still holds keys: earlier tests' keys go first.
		cluster().flushAll();
		List<ClusterNode> primaries = cluster().primaries();
		String key = cluster().keyOn(primaries.get(0), "mig:");
		int slot = cluster().slot(key);
		String channel = "__keyspace@0__:" + key;
		Map<String, AtomicInteger> setsByNode = new ConcurrentHashMap<>();
		this.notifications.subscribe((n) -> {
			if (n.event().equals("set")) {
				setsByNode.computeIfAbsent(n.node(), (node) -> new AtomicInteger()).incrementAndGet();
			}
		}, new KeyspaceChannel(key));
		// On every primary from the start: no refresh has to notice a migration in time.
		await().until(() -> nodesSubscribedTo(channel).equals(redisNodes(primaries)));

		try (OneKeyWriter writer = new OneKeyWriter(key, primaries.get(0))) {
			ClusterNode owner = primaries.get(0);
			for (int migration = 1; migration <= 20; migration++) {
				ClusterNode target = primaries.get(migration % primaries.size());
				migrate(slot, key, owner, target, writer);
				owner = target;
			}
			awaitMoreWrites(writer, 200);
			writer.stop();

			assertThat(writer.acknowledgedPerSecond()).as("writes per second").isGreaterThanOrEqualTo(1_000);
			Map<String, Integer> acknowledged = writer.acknowledged();
			assertThat(acknowledged).containsOnlyKeys(primaries.stream().map(ClusterNode::hostAndPort).toList());
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(countsOf(setsByNode))
				.as("set notifications by node, for the writes each node acknowledged").isEqualTo(acknowledged));
		}
		assertThat(nodesSubscribedTo(channel)).isEqualTo(redisNodes(primaries));
	}

	/**
	 * Moves a slot the way {@code redis-cli --cluster reshard} does, with writes in every phase:
	 * IMPORTING on the target, MIGRATING on the source, writes to the source, MIGRATE of the key,
	 * writes that the source sends on with ASK, then SETSLOT NODE on the target first (once the
	 * source lets go, clients are sent to a node that accepts the slot), the source, the others.
	 */
	private static void migrate(int slot, String key, ClusterNode source, ClusterNode target, OneKeyWriter writer) {
		try (Jedis from = source.jedis(); Jedis to = target.jedis()) {
			to.clusterSetSlotImporting(slot, source.id());
			from.clusterSetSlotMigrating(slot, target.id());
			awaitMoreWrites(writer, 50);
			from.migrate(target.host(), target.port(), key, 0, 5_000);
			awaitMoreWrites(writer, 50);
			to.clusterSetSlotNode(slot, target.id());
			from.clusterSetSlotNode(slot, target.id());
		}
		forEach(cluster().primaries().stream().filter((p) -> !p.equals(source) && !p.equals(target)).toList(),
				(jedis) -> jedis.clusterSetSlotNode(slot, target.id()));
	}

	private static void awaitMoreWrites(OneKeyWriter writer, int writes) {
		int before = writer.acknowledgedInAll();
		await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledgedInAll() >= before + writes);
	}

	/**
	 * Writes one key with increasing values at about 2,000 SET/s, following MOVED and ASK like a
	 * cluster client, and counts the writes each node acknowledged.
	 */
	private static final class OneKeyWriter implements AutoCloseable {

		private final Map<String, AtomicInteger> acknowledged = new ConcurrentHashMap<>();

		private final AtomicBoolean stopped = new AtomicBoolean();

		private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

		private final long startNanos = System.nanoTime();

		private volatile long stopNanos;

		private final Thread thread;

		/** Where the key's slot is served, as the last MOVED said; used by the writer thread only. */
		private HostAndPort owner;

		OneKeyWriter(String key, ClusterNode owner) {
			this.owner = new HostAndPort(owner.host(), owner.port());
			this.thread = new Thread(() -> write(key), "one-key-writer");
			this.thread.start();
		}

		private void write(String key) {
			Map<HostAndPort, Jedis> connections = new HashMap<>();
			Function<HostAndPort, Jedis> connection = (node) -> connections.computeIfAbsent(node, Jedis::new);
			long next = System.nanoTime();
			try {
				for (long value = 1; !this.stopped.get(); value++) {
					set(key, String.valueOf(value), connection);
					next += 500_000; // 2,000 writes/s
					LockSupport.parkNanos(next - System.nanoTime());
				}
			}
			catch (RuntimeException ex) {
				this.failure.set(ex);
			}
			finally {
				this.stopNanos = System.nanoTime();
				connections.values().forEach(Jedis::close);
			}
		}

		/** An ASK redirects this write only; a MOVED every later one too. */
		private void set(String key, String value, Function<HostAndPort, Jedis> connection) {
			HostAndPort node = this.owner;
			boolean asking = false;
			for (int hop = 0; hop < 3; hop++) {
				try {
					Jedis jedis = connection.apply(node);
					if (asking) {
						jedis.asking();
					}
					jedis.set(key, value);
					this.acknowledged.computeIfAbsent(node.toString(), (n) -> new AtomicInteger()).incrementAndGet();
					return;
				}
				catch (JedisMovedDataException ex) {
					node = ex.getTargetNode();
					this.owner = node;
					asking = false;
				}
				catch (JedisAskDataException ex) {
					node = ex.getTargetNode();
					asking = true;
				}
			}
			throw new IllegalStateException("Too many redirects writing " + key);
		}

		Map<String, Integer> acknowledged() {
			return countsOf(this.acknowledged);
		}

		int acknowledgedInAll() {
			rethrow();
			return acknowledged().values().stream().mapToInt(Integer::intValue).sum();
		}

		long acknowledgedPerSecond() {
			return acknowledgedInAll() * 1_000_000_000L / (this.stopNanos - this.startNanos);
		}

		void stop() throws InterruptedException {
			this.stopped.set(true);
			this.thread.join(10_000);
			rethrow();
		}

		private void rethrow() {
			if (this.failure.get() != null) {
				throw new IllegalStateException("The writer failed", this.failure.get());
			}
		}

		@Override
		public void close() throws InterruptedException {
			this.stopped.set(true);
			this.thread.join(10_000);
		}

	}

	private ClusterKeyspaceNotifications create(Duration refreshInterval,
			Function<List<RedisNode>, ClusterTopology> topologySource) {
		List<RedisNode> seeds = cluster().seedNodes().stream().map(RedisNode::parse).toList();
		return new ClusterKeyspaceNotifications(seeds, FAST_RECONNECT, IN_ORDER, refreshInterval, topologySource);
	}

	private static LocalRedisCluster cluster() {
		return redis.cluster();
	}

	/**
	 * Sets one new key per primary and waits until the handler has all of them: proof that
	 * every primary is read, and that what each wrote before was handled.
	 */
	private void awaitMarkersOnEveryPrimary(RecordingHandler handler, String prefix) {
		List<String> markers = new ArrayList<>();
		for (ClusterNode primary : cluster().primaries()) {
			String key = cluster().keyOn(primary, prefix + this.unique.incrementAndGet() + ":");
			cluster().set(key, "marker");
			markers.add(key);
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> handler.keys().containsAll(markers));
	}

	/** Writes probe keys starting with {@code slotPrefix} until {@code node} delivers one. */
	private void awaitDeliveryFrom(RecordingHandler handler, String slotPrefix, ClusterNode node, Duration atMost) {
		String prefix = slotPrefix + "probe-" + this.unique.incrementAndGet() + "-";
		AtomicInteger probe = new AtomicInteger();
		await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> {
			String key = prefix + probe.incrementAndGet();
			cluster().onOwner(key, (jedis) -> jedis.set(key, "v"));
			return handler.received().stream()
				.anyMatch((n) -> n.key().startsWith(prefix) && n.node().equals(node.hostAndPort()));
		});
	}

	/**
	 * Writes 200 keys starting with {@code slotPrefix} (which pins one slot with a hash tag)
	 * and a marker behind them; once the marker is handled, each key must have come exactly
	 * once, in order, from {@code owner}.
	 */
	private void assertDeliveredExactlyOnce(RecordingHandler handler, String slotPrefix, ClusterNode owner) {
		String keyPrefix = slotPrefix + "batch-" + this.unique.incrementAndGet() + "-";
		List<String> keys = IntStream.range(0, 200).mapToObj((i) -> keyPrefix + i).toList();
		cluster().onOwner(keys.get(0), (jedis) -> {
			Pipeline pipeline = jedis.pipelined();
			keys.forEach((key) -> pipeline.set(key, "v"));
			pipeline.sync();
			return null;
		});
		String marker = keyPrefix + "marker";
		cluster().set(marker, "v");
		handler.awaitNotification(marker, "set");
		List<KeyNotification> delivered = handler.received().stream().filter((n) -> n.key().startsWith(keyPrefix)).toList();
		assertThat(delivered).extracting(KeyNotification::key).as("each key once, in order")
			.containsExactlyElementsOf(concat(keys, marker));
		assertThat(delivered).extracting(KeyNotification::node).containsOnly(owner.hostAndPort());
	}

	private void assertExactKeyDeliveredOnceBy(RecordingHandler handler, String key, ClusterNode owner) {
		String channel = "__keyspace@0__:" + key;
		await().atMost(REFRESH.plusSeconds(1)).until(() -> nodesSubscribedTo(channel).contains(redisNode(owner)));
		int before = handler.received().size();
		String value = "v" + this.unique.incrementAndGet();
		cluster().set(key, value);
		handler.awaitCount(before + 1);
		assertThat(handler.received().subList(before, handler.received().size())).singleElement()
			.satisfies((n) -> assertThat(n.node()).isEqualTo(owner.hostAndPort()));
	}

	private static List<String> concat(List<String> keys, String last) {
		List<String> all = new ArrayList<>(keys);
		all.add(last);
		return all;
	}

	private Set<RedisNode> nodesSubscribedTo(String channel) {
		return this.notifications.serverSubscriptions().entrySet().stream()
			.filter((entry) -> entry.getValue().contains(channel))
			.map(Map.Entry::getKey)
			.collect(Collectors.toSet());
	}

	/** What the node itself says is subscribed on it, over all its clients (PUBSUB is node-local). */
	private static PubSub pubsubOf(ClusterNode node) {
		try (Jedis jedis = node.jedis()) {
			return new PubSub(new HashSet<>(jedis.pubsubChannels()), jedis.pubsubNumPat());
		}
	}

	private void assertNoSubscriptionOnReplicas() {
		await().untilAsserted(() -> {
			for (ClusterNode replica : cluster().replicas()) {
				assertThat(pubsubOf(replica)).as("subscriptions on replica %s", replica).isEqualTo(PubSub.NONE);
			}
		});
		assertThat(this.notifications.primaries()).doesNotContainAnyElementsOf(redisNodes(cluster().replicas()));
	}

	/** A hash tag whose keys all land in {@code slot}. */
	private static String tagForSlot(int slot) {
		for (int i = 0;; i++) {
			if (cluster().slot("t" + i) == slot) {
				return "t" + i;
			}
		}
	}

	private static Set<String> liveThreadNames() {
		return Thread.getAllStackTraces().keySet().stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.collect(Collectors.toSet());
	}

	private static RedisNode redisNode(ClusterNode node) {
		return new RedisNode(node.host(), node.port());
	}

	private static Set<RedisNode> redisNodes(List<ClusterNode> nodes) {
		return nodes.stream().map(ClusterKeyspaceNotificationsIT::redisNode).collect(Collectors.toSet());
	}

	private static List<String> hostAndPorts(List<ClusterNode> nodes) {
		return nodes.stream().map(ClusterNode::hostAndPort).toList();
	}

	private static Tuple tuple(String keyOrEvent, ClusterNode node) {
		return Tuple.tuple(keyOrEvent, node.hostAndPort());
	}

	/** PUBSUB CHANNELS and PUBSUB NUMPAT of one node (no command lists the patterns themselves). */
	private record PubSub(Set<String> channels, long patterns) {

		static final PubSub NONE = new PubSub(Set.of(), 0);

	}

	private static ClusterTopologyReader readerFor(String user) {
		return new ClusterTopologyReader(ConnectionSettings.builder().username(user).password("s3cret").build());
	}

	private static void forEach(List<ClusterNode> nodes, Consumer<Jedis> command) {
		for (ClusterNode node : nodes) {
			try (Jedis jedis = node.jedis()) {
				command.accept(jedis);
			}
		}
	}

	private static Map<String, Integer> countsOf(Map<String, AtomicInteger> counters) {
		Map<String, Integer> counts = new HashMap<>();
		counters.forEach((node, count) -> counts.put(node, count.get()));
		return counts;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
