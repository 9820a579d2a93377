package io.keyspace.notifications;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.testing.LocalMasterReplica;
import io.keyspace.notifications.testing.PacedWriter;
import io.keyspace.notifications.testing.RedisMasterReplicaExtension;
import io.keyspace.notifications.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import static io.keyspace.notifications.IntegrationTestSettings.FAST_RECONNECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Master/replica notifications without Sentinel against a real master and replica: the
 * master found with {@code ROLE}, reading from the replica, and a promotion followed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MasterReplicaKeyspaceNotificationsIT {

	@RegisterExtension
	static final RedisMasterReplicaExtension redis = RedisMasterReplicaExtension.create();

	private static final Duration REFRESH = Duration.ofSeconds(1);

	private MasterReplicaKeyspaceNotifications notifications;

	@AfterEach
	void close() {
		if (this.notifications != null) {
			this.notifications.close();
		}
	}

	@Test
	@Order(1)
	void theReplicaIsStoodByFromTheFirstSubscriptionNotTheFirstRefresh() {
		// No refresh for ten minutes: only the subscription itself can have subscribed the replica.
		this.notifications = new MasterReplicaKeyspaceNotifications(
				List.of(node(setup().master()), node(setup().replica())), FAST_RECONNECT, NotificationOptions.defaults(),
				Duration.ofMinutes(10));
		this.notifications.subscribe(new RecordingHandler(), new KeyspaceChannel("mr:*"));
		awaitStandingBy(setup().replica());
	}

	@Test
	@Order(1)
	void readsTheNodeWhoseRoleIsMasterWhateverTheOrderListed() {
		RedisServer master = setup().master();
		this.notifications = open(ReadFrom.PRIMARY, List.of(setup().replica(), master));
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyspaceChannel("mr:*"));

		assertThat(this.notifications.readNodes()).containsExactly(node(master));
		try (Jedis jedis = master.jedis()) {
			jedis.set("mr:1", "v");
		}
		handler.awaitNotification("mr:1", "set");
		assertThat(handler.received()).singleElement()
			.satisfies((n) -> assertThat(n.node()).isEqualTo(master.hostAndPort()));
	}

	@Test
	@Order(2)
	void readFromReplicaDeliversEachChangeOnceFromTheReplica() {
		this.notifications = open(ReadFrom.REPLICA, setup().nodes());
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyspaceChannel("mrr:*"));
		RedisServer replica = setup().replica();
		assertThat(this.notifications.readNodes()).containsExactly(node(replica));

		try (Jedis jedis = setup().master().jedis()) {
			ExactlyOnce.writeAndAssert(jedis, "mrr:", 300, handler, replica.hostAndPort());
		}
	}

	/**
	 * Promotions the operator's way ({@code REPLICAOF NO ONE} on the replica, then
	 * {@code REPLICAOF} on the old master) under about 2,000 writes/s to whichever node
	 * answers {@code ROLE} master. The replica is subscribed ahead (a standby): it holds what
	 * it publishes until a refresh finds it master, then hands that on; the old master is read
	 * until it is demoted. So every acknowledged write is delivered, with no gap at all.
	 * {@code -Dmasterreplica.promotions=20} for the long run (CI runs 2).
	 */
	@Test
	@Order(3)
	void everyWriteAcknowledgedAcrossPromotionsIsDelivered() throws Exception {
		this.notifications = open(ReadFrom.PRIMARY, setup().nodes());
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		this.notifications.addGapListener(gaps::add);
		Set<String> delivered = ConcurrentHashMap.newKeySet();
		this.notifications.subscribe((n) -> delivered.add(n.key()), new KeyspaceChannel("mrp:*"));
		try (PacedWriter writer = new PacedWriter("promotion-writer", 2_000,
				MasterReplicaKeyspaceNotificationsIT::connectToMaster, (jedis, i) -> {
					try {
						jedis.set("mrp:" + i, "v");
					}
					catch (JedisDataException ex) {
						// READONLY: demoted; the writer connects to the master again, as for a lost connection
						throw new JedisConnectionException("not the master anymore", ex);
					}
					return "mrp:" + i;
				})) {
			for (int promotion = 0; promotion < Integer.getInteger("masterreplica.promotions", 2); promotion++) {
				awaitStandingBy(setup().replica());
				awaitMoreWrites(writer, 200);
				setup().promoteReplica();
				awaitMoreWrites(writer, 200);
			}
			writer.stop();
			List<String> written = writer.written();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(written)
				.filteredOn((key) -> !delivered.contains(key))
				.as("acknowledged, not delivered, of %d", written.size())
				.isEmpty());
			assertThat(gaps).isEmpty();
		}
	}

	/** The replica has the standby's subscription, seen from the server. */
	private static void awaitStandingBy(RedisServer replica) {
		await().atMost(REFRESH.multipliedBy(5)).until(() -> {
			try (Jedis jedis = replica.jedis()) {
				return jedis.pubsubNumPat() == 1;
			}
		});
	}

	private static void awaitMoreWrites(PacedWriter writer, int writes) {
		int before = writer.written().size();
		await().atMost(Duration.ofSeconds(10)).until(() -> writer.written().size() >= before + writes);
	}

	/** A connection to whichever node answers {@code ROLE} master now. */
	private static Jedis connectToMaster() {
		for (RedisServer node : setup().nodes()) {
			Jedis jedis = node.jedis();
			if ("master".equals(jedis.role().get(0))) {
				return jedis;
			}
			jedis.close();
		}
		throw new JedisConnectionException("no node is master right now");
	}

	private MasterReplicaKeyspaceNotifications open(ReadFrom readFrom, List<RedisServer> nodes) {
		return new MasterReplicaKeyspaceNotifications(nodes.stream().map(MasterReplicaKeyspaceNotificationsIT::node).toList(),
				FAST_RECONNECT, NotificationOptions.builder().readFrom(readFrom).build(), REFRESH);
	}

	private static RedisNode node(RedisServer server) {
		return new RedisNode(server.host(), server.port());
	}

	private static LocalMasterReplica setup() {
		return redis.masterReplica();
	}

}
