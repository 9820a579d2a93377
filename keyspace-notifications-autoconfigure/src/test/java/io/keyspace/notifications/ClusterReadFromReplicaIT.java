package io.keyspace.notifications;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.keyspace.notifications.channel.KeyeventChannel;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.testing.ClusterNode;
import io.keyspace.notifications.testing.LocalRedisCluster;
import io.keyspace.notifications.testing.RedisClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

import static io.keyspace.notifications.IntegrationTestSettings.FAST_RECONNECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ReadFrom} on a real 3-primary/3-replica cluster: every shard read from one node
 * only, so each change arrives exactly once, and the read moving when that node goes away.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterReadFromReplicaIT {

	@RegisterExtension
	static final RedisClusterExtension redis = RedisClusterExtension.create();

	private final AtomicInteger unique = new AtomicInteger();

	private ClusterKeyspaceNotifications notifications;

	@AfterEach
	void close() {
		if (this.notifications != null) {
			this.notifications.close();
		}
	}

	@Test
	@Order(1)
	void readFromReplicaReadsEveryShardFromOneReplicaAndDeliversEachChangeOnce() {
		this.notifications = open(ReadFrom.REPLICA);
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyspaceChannel("once:*"));

		Set<RedisNode> replicas = redisNodes(cluster().replicas());
		assertThat(this.notifications.readNodes()).isEqualTo(replicas);
		assertThat(this.notifications.primaries()).isEmpty();
		for (ClusterNode node : cluster().nodes()) {
			try (Jedis jedis = node.jedis()) {
				assertThat(jedis.pubsubNumPat()).as("pattern subscriptions on %s", node)
					.isEqualTo(replicas.contains(redisNode(node)) ? 1 : 0);
			}
		}

		List<String> keys = writeKeysOnEveryPrimary("once:", 100);
		List<String> markers = writeKeysOnEveryPrimary("once:marker-", 1);
		handler.awaitCount(keys.size() + markers.size());
		await().atMost(Duration.ofSeconds(10)).until(() -> handler.keys().containsAll(markers));

		assertThat(handler.keys()).containsAll(keys);
		ExactlyOnce.assertEachOnce(handler, keys.size() + markers.size());
		assertThat(handler.received()).allSatisfy((n) -> assertThat(replicas).contains(RedisNode.parse(n.node())));
	}

	@Test
	@Order(2)
	void aReplicaReportsAnExpiryAsDel() {
		this.notifications = open(ReadFrom.REPLICA);
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyeventChannel("del"), new KeyeventChannel("expired"));
		String key = "expiring:" + this.unique.incrementAndGet();

		cluster().onOwner(key, (jedis) -> jedis.set(key, "v", SetParams.setParams().px(50)));

		handler.awaitNotification(key, "del");
		assertThat(handler.received()).noneMatch((n) -> n.event().equals("expired"));
	}

	@Test
	@Order(3)
	void replicaPreferredReadsThePrimaryWhileItsReplicaIsDownAndMovesBack() {
		this.notifications = open(ReadFrom.REPLICA_PREFERRED);
		RecordingHandler handler = new RecordingHandler();
		this.notifications.subscribe(handler, new KeyspaceChannel("pref:*"));
		ClusterNode primary = cluster().primaries().get(0);
		ClusterNode replica = cluster().replicasOf(primary).get(0);
		assertThat(this.notifications.readNodes()).contains(redisNode(replica)).doesNotContain(redisNode(primary));

		replica.server().kill();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.notifications.readNodes().contains(redisNode(primary)));
		String whileDown = cluster().keyOn(primary, "pref:down-" + this.unique.incrementAndGet() + ":");
		cluster().set(whileDown, "v");
		handler.awaitNotification(whileDown, "set");
		assertThat(handler.received()).filteredOn((n) -> n.key().equals(whileDown))
			.singleElement()
			.satisfies((n) -> assertThat(n.node()).isEqualTo(primary.hostAndPort()));

		cluster().restart(replica);
		await().atMost(Duration.ofSeconds(20)).until(() -> !this.notifications.readNodes().contains(redisNode(primary)));
		assertThat(this.notifications.readNodes()).contains(redisNode(replica));
		String afterwards = cluster().keyOn(primary, "pref:back-" + this.unique.incrementAndGet() + ":");
		cluster().set(afterwards, "v");
		handler.awaitNotification(afterwards, "set");
		assertThat(handler.received()).filteredOn((n) -> n.key().equals(afterwards))
			.singleElement()
			.satisfies((n) -> assertThat(n.node()).isEqualTo(replica.hostAndPort()));
	}

	private ClusterKeyspaceNotifications open(ReadFrom readFrom) {
		List<RedisNode> seeds = cluster().seedNodes().stream().map(RedisNode::parse).toList();
		return new ClusterKeyspaceNotifications(seeds, FAST_RECONNECT,
				NotificationOptions.builder().readFrom(readFrom).build(), Duration.ofSeconds(1));
	}

	/** {@code perPrimary} new keys on each primary (pinned with a hash tag); returns them. */
	private List<String> writeKeysOnEveryPrimary(String prefix, int perPrimary) {
		List<String> keys = new ArrayList<>();
		for (ClusterNode primary : cluster().primaries()) {
			String tag = cluster().keyOn(primary, "tag" + this.unique.incrementAndGet() + ":");
			for (int i = 0; i < perPrimary; i++) {
				String key = prefix + "{" + tag + "}-" + i;
				cluster().set(key, "v");
				keys.add(key);
			}
		}
		return keys;
	}

	private static Set<RedisNode> redisNodes(List<ClusterNode> nodes) {
		return nodes.stream().map(ClusterReadFromReplicaIT::redisNode).collect(Collectors.toSet());
	}

	private static RedisNode redisNode(ClusterNode node) {
		return new RedisNode(node.host(), node.port());
	}

	private static LocalRedisCluster cluster() {
		return redis.cluster();
	}

}
