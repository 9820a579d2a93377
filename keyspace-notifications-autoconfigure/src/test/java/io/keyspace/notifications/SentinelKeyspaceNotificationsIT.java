package io.keyspace.notifications;

import java.time.Duration;
import java.time.Instant;
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
 * processes): the master found through the sentinels, a manual failover and a killed master
 * followed with a FAILOVER gap and nothing lost outside it, and reading from the replica.
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
	 * With the first sentinel down (the watch moves to the next one), a manual failover: the
	 * new master is subscribed within a second of {@code +switch-master}, every write it
	 * acknowledges from then on is delivered, and the switch is reported as a FAILOVER gap of
	 * the old master whose window covers any write the new master acknowledged before.
	 */
	@Test
	@Order(3)
	void followsAManualFailoverWithinASecondOfTheSwitch() throws Exception {
		RedisServer downSentinel = setup().sentinels().get(0);
		this.notifications = open(ReadFrom.PRIMARY, sentinels());
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		this.notifications.addGapListener(gaps::add);
		Set<String> delivered = ConcurrentHashMap.newKeySet();
		this.notifications.subscribe((n) -> delivered.add(n.key()), new KeyspaceChannel("sw:*"));
		downSentinel.kill();
		RedisServer oldMaster = setup().master();
		RedisServer newMaster = setup().replica();

		try (SwitchListener switchHeard = new SwitchListener(setup().sentinels().get(1));
				SubscribedProbe subscribed = new SubscribedProbe(this.notifications, node(newMaster));
				MasterWriter writer = new MasterWriter("sw:m:", setup())) {
			await().until(() -> writer.acknowledgedBy(newMaster).isEmpty() && writer.written() >= 500);
			setup().failover();
			await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledgedBy(newMaster).size() >= 500);
			writer.stop();

			assertThat(Duration.between(switchHeard.at(), subscribed.at())).as("subscribed after +switch-master")
				.isLessThan(Duration.ofSeconds(1));
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gaps)
				.anySatisfy((gap) -> assertThat(gap).satisfies(
						(g) -> assertThat(g.node()).isEqualTo(oldMaster.hostAndPort()),
						(g) -> assertThat(g.cause()).isEqualTo(GapCause.FAILOVER),
						(g) -> assertThat(g.channels()).contains(CHANNEL))));
			NotificationGap gap = gaps.stream().filter((g) -> g.cause() == GapCause.FAILOVER).findFirst().orElseThrow();
			Map<String, Instant> byNewMaster = writer.acknowledgedBy(newMaster);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(byNewMaster).allSatisfy(
					(key, ack) -> assertThat(delivered.contains(key) || !ack.isAfter(gap.end()))
						.as("%s acknowledged at %s, gap %s", key, ack, gap).isTrue()));
		}
		finally {
			setup().restart(downSentinel);
		}
	}

	/**
	 * {@code kill -9} of the master: the replica stands in while the master's connection is
	 * down, so every write the promoted replica acknowledges is delivered, and the lost master
	 * is reported as a FAILOVER gap that starts after the kill.
	 */
	@Test
	@Order(4)
	void everyWriteAcknowledgedByTheMasterPromotedAfterAKillIsDelivered() throws Exception {
		this.notifications = open(ReadFrom.PRIMARY, sentinels());
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		this.notifications.addGapListener(gaps::add);
		Set<String> delivered = ConcurrentHashMap.newKeySet();
		this.notifications.subscribe((n) -> delivered.add(n.key()), new KeyspaceChannel("sw:*"));
		RedisServer newMaster = setup().replica();

		try (SwitchListener switchHeard = new SwitchListener(setup().sentinels().get(0));
				SubscribedProbe subscribed = new SubscribedProbe(this.notifications, node(newMaster));
				MasterWriter writer = new MasterWriter("sw:k:", setup())) {
			await().until(() -> writer.written() >= 500);
			Instant killed = Instant.now();
			RedisServer oldMaster = setup().killMaster();
			Duration allowed = setup().downAfter().plus(setup().failoverTimeout().multipliedBy(2)).plusSeconds(3);
			setup().awaitMaster(newMaster, allowed);
			await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledgedBy(newMaster).size() >= 500);
			writer.stop();

			assertThat(subscribed.at()).as("the replica stood in before the switch").isBefore(switchHeard.at());
			Map<String, Instant> byNewMaster = writer.acknowledgedBy(newMaster);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(
					() -> assertThat(byNewMaster.keySet()).allMatch(delivered::contains, "delivered"));
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gaps)
				.anySatisfy((gap) -> assertThat(gap).satisfies(
						(g) -> assertThat(g.node()).isEqualTo(oldMaster.hostAndPort()),
						(g) -> assertThat(g.cause()).isEqualTo(GapCause.FAILOVER),
						(g) -> assertThat(g.start()).isAfterOrEqualTo(killed.minusMillis(1)),
						(g) -> assertThat(g.channels()).contains(CHANNEL))));
			setup().restart(oldMaster);
		}
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

	/** When a sentinel published {@code +switch-master}, heard on a connection of our own. */
	private static final class SwitchListener implements AutoCloseable {

		private final AtomicReference<Instant> at = new AtomicReference<>();

		private final BinaryJedisPubSub pubSub = new BinaryJedisPubSub() {

			@Override
			public void onMessage(byte[] channel, byte[] message) {
				SwitchListener.this.at.compareAndSet(null, Instant.now());
			}

		};

		private final Thread thread;

		SwitchListener(RedisServer sentinel) {
			Jedis jedis = sentinel.jedis();
			this.thread = new Thread(() -> {
				try (jedis) {
					jedis.subscribe(this.pubSub, "+switch-master".getBytes());
				}
			}, "switch-listener");
			this.thread.start();
			await().until(() -> this.pubSub.isSubscribed());
		}

		Instant at() {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.at.get() != null);
			return this.at.get();
		}

		@Override
		public void close() throws InterruptedException {
			this.pubSub.unsubscribe();
			this.thread.join(5000);
		}

	}

	/** When the notifications first had their channel confirmed on a node, polled every 5 ms. */
	private static final class SubscribedProbe implements AutoCloseable {

		private final AtomicReference<Instant> at = new AtomicReference<>();

		private final AtomicBoolean stopped = new AtomicBoolean();

		private final Thread thread;

		SubscribedProbe(SentinelKeyspaceNotifications notifications, RedisNode node) {
			this.thread = new Thread(() -> {
				while (!this.stopped.get() && this.at.get() == null) {
					if (notifications.serverSubscriptions().getOrDefault(node, Set.of()).contains(CHANNEL)) {
						this.at.set(Instant.now());
					}
					LockSupport.parkNanos(5_000_000);
				}
			}, "subscribed-probe");
			this.thread.start();
		}

		Instant at() {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.at.get() != null);
			return this.at.get();
		}

		@Override
		public void close() throws InterruptedException {
			this.stopped.set(true);
			this.thread.join(5000);
		}

	}

	/**
	 * Writes keys at about 1,000 SET/s to whichever node the sentinels name as master,
	 * asking them again after a failed write; remembers which node acknowledged each write
	 * and when.
	 */
	private final class MasterWriter implements AutoCloseable {

		private final Map<String, Map<String, Instant>> acknowledged = new ConcurrentHashMap<>();

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
					master.set(key, "v");
					this.acknowledged.computeIfAbsent(address, (a) -> new ConcurrentHashMap<>()).put(key, Instant.now());
					this.written.incrementAndGet();
				}
				catch (RuntimeException ex) {
					// Down, or demoted (READONLY): ask the sentinels again at the next write.
					if (master != null) {
						master.close();
						master = null;
					}
				}
				next += 1_000_000;
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

		Map<String, Instant> acknowledgedBy(RedisServer node) {
			return Map.copyOf(this.acknowledged.getOrDefault(node.hostAndPort(), Map.of()));
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
