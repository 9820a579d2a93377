package io.keyspace.notifications;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.testing.LocalMasterReplica;
import io.keyspace.notifications.testing.RedisMasterReplicaExtension;
import io.keyspace.notifications.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

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

	@Test
	@Order(3)
	void followsAPromotionAtTheNextRefreshAndReportsTheSwitchAsAFailoverGap() {
		this.notifications = open(ReadFrom.PRIMARY, setup().nodes());
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		this.notifications.addGapListener(gaps::add);
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyspaceChannel("mrp:*"));
		RedisServer oldMaster = setup().master();

		Instant promoted = Instant.now();
		RedisServer newMaster = setup().promoteReplica();
		await().atMost(REFRESH.multipliedBy(3))
			.until(() -> this.notifications.readNodes().equals(Set.of(node(newMaster))));
		try (Jedis jedis = newMaster.jedis()) {
			jedis.set("mrp:after", "v");
		}
		handler.awaitNotification("mrp:after", "set");
		assertThat(handler.received()).filteredOn((n) -> n.key().equals("mrp:after"))
			.singleElement()
			.satisfies((n) -> assertThat(n.node()).isEqualTo(newMaster.hostAndPort()));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(gaps).anySatisfy((gap) -> {
			assertThat(gap.node()).isEqualTo(oldMaster.hostAndPort());
			assertThat(gap.cause()).isEqualTo(GapCause.FAILOVER);
			assertThat(gap.end()).isAfter(promoted);
			assertThat(gap.channels()).containsExactly("__keyspace@0__:mrp:*");
		}));
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
