package io.keyspace.notifications;

import java.time.Duration;
import java.time.Instant;
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

import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.testing.LocalSentinelSetup;
import io.keyspace.notifications.testing.RedisSentinelExtension;
import io.keyspace.notifications.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;

import static io.keyspace.notifications.IntegrationTestSettings.FAST_RECONNECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sentinel notifications against one master, one replica and three sentinels (real
 * processes): the master found through the sentinels, manual failovers and killed masters
 * under load with the replica subscribed ahead of its promotion, nothing lost outside a
 * reported gap, and reading from the replica.
 * The tests change the setup's roles, so they are ordered and look roles up fresh.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SentinelKeyspaceNotificationsIT {

	@RegisterExtension
	static final RedisSentinelExtension redis = RedisSentinelExtension.create();

	private static final String CHANNEL = "__keyspace@0__:sw:*";

	private final AtomicInteger unique = new AtomicInteger();

	private SentinelKeyspaceNotifications notifications;

	@AfterEach
	void close() {
		if (this.notifications != null) {
			this.notifications.close();
		}
	}

	@Test
	@Order(1)
	void deliversTheMastersNotificationsFoundThroughTheSentinels() {
		this.notifications = open(ReadFrom.PRIMARY, sentinels());
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyspaceChannel("s:*"), new KeyspaceChannel("s:*", 3));

		RedisServer master = setup().master();
		assertThat(this.notifications.master()).contains(node(master));
		assertThat(this.notifications.isSubscribed()).isTrue();
		try (Jedis jedis = master.jedis()) {
			jedis.set("s:1", "v");
			jedis.select(3);
			jedis.set("s:3", "v");
		}
		handler.awaitNotification("s:1", "set").awaitNotification("s:3", "set");
		assertThat(handler.received()).allSatisfy((n) -> assertThat(n.node()).isEqualTo(master.hostAndPort()));
		assertThat(handler.received()).extracting(KeyNotification::database).containsExactlyInAnyOrder(0, 3);
	}

	@Test
	@Order(2)
	void readFromReplicaDeliversEachChangeOnceFromTheReplica() {
		this.notifications = open(ReadFrom.REPLICA, sentinels());
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyspaceChannel("r:*"));
		RedisServer replica = setup().replica();
		assertThat(this.notifications.readNodes()).containsExactly(node(replica));

		try (Jedis jedis = setup().master().jedis()) {
			ExactlyOnce.writeAndAssert(jedis, "r:", 500, handler, replica.hostAndPort());
		}
	}

	/**
	 * Manual failovers under load, the first with the first sentinel down (the watch moves to
	 * the next one). The replica is subscribed ahead of each (a standby), so every write a new
	 * master acknowledges is delivered; the only window is Sentinel closing the replica's
	 * pub/sub connection as it promotes it, until the standby has subscribed again, which is
	 * reported as a FAILOVER gap of the new master. {@code -Dsentinel.failovers=20} for the
	 * long run (CI runs 2).
	 */
	@Test
	@Order(3)
	void everyWriteAcknowledgedAcrossManualFailoversIsDelivered() throws Exception {
		RedisServer downSentinel = setup().sentinels().get(0);
		this.notifications = open(ReadFrom.PRIMARY, sentinels());
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		this.notifications.addGapListener(gaps::add);
		Set<String> delivered = ConcurrentHashMap.newKeySet();
		this.notifications.subscribe((n) -> delivered.add(n.key()), new KeyspaceChannel("sw:*"));
		downSentinel.kill();
		try (MasterWriter writer = new MasterWriter("sw:m:", setup())) {
			for (int failover = 0; failover < Integer.getInteger("sentinel.failovers", 2); failover++) {
				RedisServer promoted = setup().replica();
				awaitStandingBy(promoted);
				int before = writer.written();
				await().until(() -> writer.written() >= before + 200);
				int gapsBefore = gaps.size();
				setup().failover();
				await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledgedBy(promoted).size() >= 200);
				assertShortGaps(gaps.subList(gapsBefore, gaps.size()), promoted);
				if (failover == 0) {
					setup().restart(downSentinel);
				}
			}
			writer.stop();
			assertEveryWriteDeliveredOutsideGaps(writer, delivered, gaps);
		}
	}

	/**
	 * {@code kill -9} of the master under load, then the old master started again as a
	 * replica: the promoted replica was standing by, so every write it acknowledges is
	 * delivered (outside the window Sentinel's promotion closes its connection, a reported
	 * gap), and the lost master is reported as a FAILOVER gap from the last moment its
	 * connection delivered (a write acknowledged just before the kill may never have had its
	 * event sent).
	 * {@code -Dsentinel.kills=20} for the long run (CI runs 1).
	 */
	@Test
	@Order(4)
	void everyWriteAcknowledgedAcrossKilledMastersIsDelivered() throws Exception {
		this.notifications = open(ReadFrom.PRIMARY, sentinels());
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		this.notifications.addGapListener(gaps::add);
		Set<String> delivered = ConcurrentHashMap.newKeySet();
		this.notifications.subscribe((n) -> delivered.add(n.key()), new KeyspaceChannel("sw:*"));
		try (MasterWriter writer = new MasterWriter("sw:k:", setup())) {
			for (int kill = 0; kill < Integer.getInteger("sentinel.kills", 1); kill++) {
				RedisServer promoted = setup().replica();
				awaitStandingBy(promoted);
				int before = writer.written();
				await().until(() -> writer.written() >= before + 200);
				int gapsBefore = gaps.size();
				RedisServer oldMaster = setup().killMaster();
				Duration allowed = setup().downAfter().plus(setup().failoverTimeout().multipliedBy(2)).plusSeconds(3);
				setup().awaitMaster(promoted, allowed);
				await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledgedBy(promoted).size() >= 200);
				assertShortGaps(gaps.subList(gapsBefore, gaps.size()), promoted);
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gaps)
					.anySatisfy((gap) -> assertThat(gap).satisfies(
							(g) -> assertThat(g.node()).isEqualTo(oldMaster.hostAndPort()),
							(g) -> assertThat(g.cause()).isEqualTo(GapCause.FAILOVER),
							(g) -> assertThat(g.channels()).contains(CHANNEL))));
				setup().restart(oldMaster);
			}
			writer.stop();
			assertEveryWriteDeliveredOutsideGaps(writer, delivered, gaps);
		}
	}

	/** The replica has the standby's subscription, seen from the server. */
	private static void awaitStandingBy(RedisServer replica) {
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			try (Jedis jedis = replica.jedis()) {
				return jedis.pubsubNumPat() == 1;
			}
		});
	}

	/**
	 * Every write a node acknowledged was delivered, unless it was under way during a gap
	 * reported for that node.
	 */
	private static void assertEveryWriteDeliveredOutsideGaps(MasterWriter writer, Set<String> delivered,
			List<NotificationGap> gaps) {
		Map<String, Map<String, Write>> byNode = writer.acknowledged();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> byNode.forEach((node, writes) -> assertThat(writes)
			.allSatisfy((key, write) -> assertThat(delivered.contains(key) || write.during(gaps, node))
				.as("%s acknowledged by %s (%s), gaps %s", key, node, write, gaps).isTrue())));
		List<String> inGaps = byNode.entrySet().stream()
			.flatMap((e) -> e.getValue().entrySet().stream()
				.filter((w) -> !delivered.contains(w.getKey()))
				.map((w) -> w.getKey() + " by " + e.getKey() + " " + w.getValue()))
			.toList();
		System.out.printf("%d writes acknowledged by %s, %d not delivered (all during reported gaps) %s; gaps %s%n",
				byNode.values().stream().mapToInt(Map::size).sum(), byNode.keySet(), inGaps.size(), inGaps, gaps);
	}

	/**
	 * The new master's gap, if any, is the time its standby connection was closed by the
	 * promotion, bounded by the last role check that found it a replica (refreshes run every
	 * 200 ms while a master is down), not the seconds the sentinels take to announce it.
	 */
	private static void assertShortGaps(List<NotificationGap> gaps, RedisServer promoted) {
		assertThat(gaps).filteredOn((gap) -> gap.node().equals(promoted.hostAndPort()))
			.allSatisfy((gap) -> assertThat(Duration.between(gap.start(), gap.end())).as("%s", gap)
				.isLessThan(Duration.ofSeconds(1)));
	}

	private SentinelKeyspaceNotifications open(ReadFrom readFrom, List<RedisNode> sentinels) {
		return new SentinelKeyspaceNotifications(setup().masterName(), sentinels, FAST_RECONNECT, FAST_RECONNECT,
				NotificationOptions.builder().readFrom(readFrom).build(), Duration.ofSeconds(5));
	}

	private static List<RedisNode> sentinels() {
		return setup().sentinelAddresses().stream().map(RedisNode::parse).toList();
	}

	private static RedisNode node(RedisServer server) {
		return new RedisNode(server.host(), server.port());
	}

	private static LocalSentinelSetup setup() {
		return redis.setup();
	}

	/** When a write was sent and when its acknowledgement came back. */
	private record Write(Instant sent, Instant acknowledged) {

		/** Whether the write may have run while the node's events were not read. */
		boolean during(List<NotificationGap> gaps, String node) {
			return gaps.stream()
				.anyMatch((gap) -> gap.node().equals(node) && !this.sent.isAfter(gap.end())
						&& !this.acknowledged.isBefore(gap.start()));
		}

	}

	/**
	 * Writes keys at about 2,000 SET/s to whichever node the sentinels name as master, as an
	 * application does, asking them again after a failed write; remembers which node
	 * acknowledged each write and when.
	 */
	private final class MasterWriter implements AutoCloseable {

		private final Map<String, Map<String, Write>> acknowledged = new ConcurrentHashMap<>();

		private final AtomicInteger written = new AtomicInteger();

		private final AtomicBoolean stopped = new AtomicBoolean();

		private final Thread thread;

		MasterWriter(String prefix, LocalSentinelSetup setup) {
			this.thread = new Thread(() -> write(prefix + SentinelKeyspaceNotificationsIT.this.unique.incrementAndGet()
					+ ":", setup), "master-writer");
			this.thread.start();
		}

		private void write(String prefix, LocalSentinelSetup setup) {
			Jedis master = null;
			String address = null;
			long next = System.nanoTime();
			for (int i = 0; !this.stopped.get(); i++) {
				try {
					if (master == null) {
						address = askSentinels(setup);
						master = new Jedis(RedisNode.parse(address).host(), RedisNode.parse(address).port());
					}
					String key = prefix + i;
					Instant sent = Instant.now();
					master.set(key, "v");
					this.acknowledged.computeIfAbsent(address, (a) -> new ConcurrentHashMap<>())
						.put(key, new Write(sent, Instant.now()));
					this.written.incrementAndGet();
				}
				catch (RuntimeException ex) {
					// Down, or demoted (READONLY): ask the sentinels again at the next write.
					if (master != null) {
						master.close();
						master = null;
					}
				}
				next += 500_000;
				LockSupport.parkNanos(next - System.nanoTime());
			}
			if (master != null) {
				master.close();
			}
		}

		private static String askSentinels(LocalSentinelSetup setup) {
			for (RedisServer sentinel : setup.sentinels()) {
				try (Jedis jedis = sentinel.jedis()) {
					List<String> address = jedis.sentinelGetMasterAddrByName(setup.masterName());
					return address.get(0) + ":" + address.get(1);
				}
				catch (RuntimeException ex) {
					// this sentinel is down: ask the next
				}
			}
			throw new IllegalStateException("No sentinel answered");
		}

		int written() {
			return this.written.get();
		}

		Map<String, Write> acknowledgedBy(RedisServer node) {
			return Map.copyOf(this.acknowledged.getOrDefault(node.hostAndPort(), Map.of()));
		}

		Map<String, Map<String, Write>> acknowledged() {
			Map<String, Map<String, Write>> copy = new LinkedHashMap<>();
			this.acknowledged.forEach((node, writes) -> copy.put(node, Map.copyOf(writes)));
			return copy;
		}

		void stop() throws InterruptedException {
			this.stopped.set(true);
			this.thread.join(5000);
		}

		@Override
		public void close() throws InterruptedException {
			stop();
		}

	}

}
