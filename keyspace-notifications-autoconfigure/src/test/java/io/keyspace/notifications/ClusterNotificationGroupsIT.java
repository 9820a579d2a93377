package io.keyspace.notifications;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.internal.cluster.ClusterTopology;
import io.keyspace.notifications.internal.cluster.ClusterTopologyReader;
import io.keyspace.notifications.internal.group.GroupKeys;
import io.keyspace.notifications.internal.group.GroupStreamEntries;
import io.keyspace.notifications.internal.group.SlotTags;
import io.keyspace.notifications.testing.ClusterNode;
import io.keyspace.notifications.testing.LocalRedisCluster;
import io.keyspace.notifications.testing.RedisClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.ClusterPipeline;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.resps.StreamEntry;

import static io.keyspace.notifications.IntegrationTestSettings.FAST_RECONNECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link NotificationGroups} on a real 3-primary/3-replica Redis Cluster, with three
 * "instances" in one JVM (each its own {@link ClusterKeyspaceNotifications},
 * {@link RedisClusterClient} and groups): one stream per shard, living on the shard's own
 * primary and fed only with that primary's notifications; each notification handled once
 * across the instances; and a shard's manual failover while it is written, after which the
 * shard's stream keeps its key and what the new primary acknowledged is handled.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterNotificationGroupsIT {

	@RegisterExtension
	static final RedisClusterExtension redis = RedisClusterExtension.create();

	/**
	 * Leases taken within a second, but not lost to a pause of a busy machine; a claim timeout
	 * long enough that such a pause causes no redeliveries. Each instance gets its own name.
	 */
	private static final GroupSettings SETTINGS = GroupSettings.defaults()
		.withLeaseTime(Duration.ofSeconds(2))
		.withClaimTimeout(Duration.ofSeconds(5));

	private static final int SLOTS = 16_384;

	private final List<Instance> instances = new ArrayList<>();

	/** How often each key was handled, across instances. */
	private final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

	private String group;

	private GroupKeys keys;

	@BeforeEach
	void newGroup() {
		this.group = "g" + System.nanoTime();
		this.keys = new GroupKeys(SETTINGS.streamKeyPrefix(), this.group);
	}

	@AfterEach
	void closeInstances() {
		this.instances.forEach(Instance::close);
	}

	@Test
	@Order(1)
	void eachNotificationIsHandledOnceAndEachShardIsForwardedIntoAStreamOnItsOwnPrimary() {
		for (int i = 0; i < 3; i++) {
			start("once:*");
		}
		// 10,000 keys over all slots, each pinned to its slot with a hash tag.
		List<String> written = new ArrayList<>(10_000);
		for (int i = 0; i < 10_000; i++) {
			written.add("once:" + i + ":{" + SlotTags.of((int) (i * (long) SLOTS / 10_000)) + "}");
		}
		try (RedisClusterClient client = client()) {
			List<Response<String>> replies = new ArrayList<>(written.size());
			try (ClusterPipeline pipeline = client.pipelined()) {
				written.forEach((key) -> replies.add(pipeline.set(key, "v")));
				pipeline.sync();
			}
			assertThat(replies).allSatisfy((reply) -> assertThat(reply.get()).isEqualTo("OK"));
		}
		ClusterTopology topology = topology();
		Map<String, Long> writtenPerPrimary = written.stream()
			.collect(Collectors.groupingBy((key) -> owner(topology, key), Collectors.counting()));
		assertThat(writtenPerPrimary).hasSize(3);

		awaitHandled(written);
		awaitNothingPending();
		assertThat(this.handled).hasSize(written.size())
			.allSatisfy((key, count) -> assertThat(count.get()).as("handlings of %s", key).isEqualTo(1));
		assertThat(this.instances.stream().mapToLong((i) -> i.metrics().forwarded()).sum())
			.as("notifications forwarded, by all instances together").isEqualTo(written.size());

		// One stream per shard, on the primary whose notifications it carries, holding each once.
		Set<String> streams = streams();
		assertThat(streams).hasSize(3);
		Map<String, String> streamOwners = new HashMap<>();
		for (String stream : streams) {
			String owner = cluster().ownerOf(stream).hostAndPort();
			streamOwners.put(stream, owner);
			List<StreamEntry> entries = entries(stream);
			assertThat(entries.stream().mapToInt((entry) -> GroupStreamEntries.keysOf(entry).size()).sum())
				.as("notifications in %s", stream)
				.isEqualTo(writtenPerPrimary.get(owner).intValue());
			assertThat(entries).allSatisfy((entry) -> assertThat(entry.getFields()).as("an entry of %s on %s", stream, owner)
					.containsEntry("node", owner));
			assertThat(holderOfLease(stream)).as("lease of %s", stream)
				.isIn(this.instances.stream().map(Instance::name).toList());
		}
		assertThat(streamOwners.values()).containsExactlyInAnyOrderElementsOf(writtenPerPrimary.keySet());
	}

	@Test
	@Order(2)
	void aShardsStreamKeepsItsKeyAcrossAManualFailoverAndWhatTheNewPrimaryAcknowledgedIsHandled() throws Exception {
		for (int i = 0; i < 3; i++) {
			start("fo:*");
		}
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		this.instances.forEach((i) -> i.groups.addGapListener(gaps::add));
		ClusterNode original = cluster().primaries().get(0);
		String tag = cluster().keyOn(original, "t");
		try (ShardWriter writer = new ShardWriter("fo:{" + tag + "}:", original, cluster())) {
			await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledgedBy(original).size() >= 1_000);
			awaitHandled(writer.acknowledgedBy(original).subList(0, 500));
			// Every shard has its stream (each is leased, busy or not); only this one has entries.
			Set<String> before = streams().stream().filter((s) -> !entries(s).isEmpty()).collect(Collectors.toSet());
			assertThat(before).singleElement().satisfies((stream) -> {
				assertThat(cluster().ownerOf(stream)).isEqualTo(original);
				assertThat(lastEntry(stream).getFields()).containsEntry("node", original.hostAndPort());
			});

			String stream = before.iterator().next();

			ClusterNode promoted = cluster().failover(original);
			// Until the notifications' next topology refresh, the demoted primary (a replica now)
			// still delivers, from replication, what the new one acknowledges.
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(writer.acknowledgedBy(promoted)).as(writer::toString).hasSizeGreaterThan(1_000);
				assertThat(lastEntry(stream).getFields()).as("the last entry of %s", stream)
					.containsEntry("node", promoted.hostAndPort());
			});
			int beforeStop = writer.acknowledgedBy(promoted).size();
			await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledgedBy(promoted).size() >= beforeStop + 200);
			writer.stop();

			List<Write> acknowledged = writer.acknowledged();
			Instance forwarder = this.instances.stream().filter((i) -> i.name().equals(holderOfLease(stream)))
				.findFirst().orElseThrow();
			assertThat(this.instances).filteredOn((i) -> i.metrics().forwarded() > 0).as("instances that forwarded")
				.containsExactly(forwarder);

			// The forwarder's subscription follows the failover at its next topology refresh,
			// closing the demoted node's reader before the new primary's confirms: what it missed
			// was written within the FAILOVER gap it reported.
			List<NotificationGap> failovers = new ArrayList<>();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				failovers.clear();
				forwarder.gaps.stream()
					.filter((gap) -> gap.cause() == GapCause.FAILOVER && gap.node().equals(original.hostAndPort()))
					.forEach(failovers::add);
				assertThat(acknowledged).filteredOn((w) -> !forwarder.delivered.contains(w.key()))
					.as("writes the forwarder's subscription missed, gaps %s", forwarder.gaps)
					.allSatisfy((write) -> assertThat(failovers).anyMatch(write::within));
			});
			List<Write> missed = acknowledged.stream().filter((w) -> !forwarder.delivered.contains(w.key())).toList();
			// Nothing the forwarder's subscription delivered is lost: not even what it read while
			// the demoted primary answered MOVED to its XADDs.
			List<String> deliveredToForwarder = acknowledged.stream().map(Write::key)
				.filter(forwarder.delivered::contains).toList();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(keysIn(stream))
				.as("keys forwarded into %s", stream).containsAll(deliveredToForwarder));
			awaitHandled(deliveredToForwarder);
			// Everything the new primary acknowledged after the switch is handled.
			Instant switched = failovers.stream().map(NotificationGap::end).max(Comparator.naturalOrder())
				.orElse(Instant.MIN);
			List<String> afterTheSwitch = acknowledged.stream()
				.filter((w) -> w.node().equals(promoted.hostAndPort()) && w.sent().isAfter(switched))
				.map(Write::key)
				.toList();
			assertThat(afterTheSwitch).as("acknowledged by %s after the switch", promoted).isNotEmpty();
			awaitHandled(afterTheSwitch);
			awaitNothingPending();

			assertThat(streams()).as("the shard's stream, across the failover").containsAll(before).hasSize(3);
			assertThat(cluster().ownerOf(stream)).isEqualTo(promoted);
			assertThat(lastEntry(stream).getFields()).as("the last entry: read from the new primary")
				.containsEntry("node", promoted.hostAndPort());
			// A forwarder was there all along (its own switch is a gap of its notifications, checked above).
			assertThat(gaps).isEmpty();

			Map<String, Long> entriesByNode = entries(stream).stream()
				.collect(Collectors.groupingBy((e) -> e.getFields().get("node"), Collectors.counting()));
			long duplicates = this.handled.values().stream().filter((count) -> count.get() > 1).count();
			System.out.printf(Locale.ROOT, "Failover of %s to %s: %s; %,d writes missed by the forwarder's "
					+ "subscription (in its gaps %s), %,d of them seen by the other instances; %,d keys handled "
					+ "more than once; stream entries by node %s; metrics %s%n",
					original, promoted, writer, missed.size(), failovers, missed.stream()
						.filter((w) -> this.instances.stream().anyMatch((i) -> i.delivered.contains(w.key())))
						.count(),
					duplicates, entriesByNode, this.instances.stream().map(Instance::metrics).toList());
		}
	}

	private void start(String pattern) {
		Instance instance = new Instance(this.group, this::record, new KeyspaceChannel(pattern));
		this.instances.add(instance);
	}

	private void record(KeyNotification notification) {
		this.handled.computeIfAbsent(notification.key(), (k) -> new AtomicInteger()).incrementAndGet();
	}

	private void awaitHandled(List<String> keys) {
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(this.handled.keySet()).containsAll(keys));
	}

	/** No entry is delivered and unacknowledged, so none can be handled again later. */
	private void awaitNothingPending() {
		try (RedisClusterClient client = client()) {
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(streams())
				.allSatisfy((stream) -> assertThat(client.xpending(stream, this.group).getTotal())
					.as("pending in %s", stream).isZero()));
		}
	}

	private Set<String> streams() {
		try (RedisClusterClient client = client()) {
			return client.smembers(this.keys.registry());
		}
	}

	private List<StreamEntry> entries(String stream) {
		try (RedisClusterClient client = client()) {
			return client.xrange(stream, "-", "+");
		}
	}

	private StreamEntry lastEntry(String stream) {
		try (RedisClusterClient client = client()) {
			List<StreamEntry> last = client.xrevrange(stream, "+", "-", 1);
			assertThat(last).as("entries of %s", stream).isNotEmpty();
			return last.get(0);
		}
	}

	/** The keys of the notifications in a stream. */
	private Set<String> keysIn(String stream) {
		return entries(stream).stream()
			.flatMap((entry) -> GroupStreamEntries.keysOf(entry).stream())
			.collect(Collectors.toSet());
	}

	private String holderOfLease(String stream) {
		String tag = stream.substring(stream.indexOf('{') + 1, stream.indexOf('}'));
		try (RedisClusterClient client = client()) {
			return client.get(this.keys.lease(tag));
		}
	}

	private static String owner(ClusterTopology topology, String key) {
		return topology.ownerOf(key.getBytes(StandardCharsets.UTF_8)).orElseThrow().toString();
	}

	private static ClusterTopology topology() {
		return new ClusterTopologyReader(FAST_RECONNECT).read(seeds());
	}

	private static List<RedisNode> seeds() {
		return cluster().seedNodes().stream().map(RedisNode::parse).toList();
	}

	private static RedisClusterClient client() {
		Set<HostAndPort> nodes = cluster().seedNodes().stream().map(HostAndPort::from).collect(Collectors.toSet());
		return RedisClusterClient.builder().nodes(nodes).build();
	}

	private static LocalRedisCluster cluster() {
		return redis.cluster();
	}

	/** One application instance: its own subscriber, cluster client and groups. */
	private static final class Instance {

		final ClusterKeyspaceNotifications notifications;

		final RedisClusterClient redis;

		final NotificationGroups groups;

		final String group;

		Instance(String group, KeyNotificationHandler handler, KeyspaceChannel channel) {
			this.group = group;
			this.notifications = new ClusterKeyspaceNotifications(seeds(), FAST_RECONNECT,
					NotificationOptions.defaults(), Duration.ofSeconds(1));
			this.redis = client();
			this.groups = new NotificationGroups(this.notifications, this.redis,
					SETTINGS.withConsumerName(GroupSettings.defaultConsumerName()));
			this.groups.subscribe(group, handler, channel);
			this.notifications.subscribe((n) -> this.delivered.add(n.key()), channel);
			this.notifications.addGapListener(this.gaps::add);
		}

		/** Keys the notifications delivered to this instance directly, not through the group. */
		final Set<String> delivered = ConcurrentHashMap.newKeySet();

		/** Gaps the notifications reported. */
		final List<NotificationGap> gaps = new CopyOnWriteArrayList<>();

		String name() {
			return this.groups.settings().consumerName();
		}

		GroupMetrics metrics() {
			return this.groups.metrics(this.group);
		}

		void close() {
			this.groups.close();
			this.notifications.close();
			this.redis.close();
		}

	}

	/** A write a node acknowledged: sent and acknowledged between {@code sent} and {@code acknowledged}. */
	private record Write(String key, String node, Instant sent, Instant acknowledged) {

		/** Whether the write may have happened within the gap. */
		boolean within(NotificationGap gap) {
			return this.sent.isBefore(gap.end()) && this.acknowledged.isAfter(gap.start());
		}

	}

	/**
	 * Writes keys of one shard at about 2,000 SET/s, each to whichever of the shard's nodes
	 * accepts it (a replica answers MOVED until promoted, a demoted primary after), and
	 * remembers which node acknowledged each, and when.
	 */
	private static final class ShardWriter implements AutoCloseable {

		private final List<Write> acknowledged = new CopyOnWriteArrayList<>();

		private final AtomicReference<String> lastFailure = new AtomicReference<>("none");

		private final Thread thread;

		private volatile boolean stopped;

		ShardWriter(String prefix, ClusterNode primary, LocalRedisCluster cluster) {
			List<ClusterNode> nodes = new ArrayList<>(List.of(primary));
			nodes.addAll(cluster.replicasOf(primary));
			this.thread = new Thread(() -> write(prefix, nodes), "shard-writer");
			this.thread.start();
		}

		private void write(String prefix, List<ClusterNode> nodes) {
			Map<ClusterNode, Jedis> connections = new HashMap<>();
			Function<ClusterNode, Jedis> connection = (node) -> connections.computeIfAbsent(node, ClusterNode::jedis);
			int target = 0;
			long next = System.nanoTime();
			try {
				for (int i = 0; !this.stopped; i++) {
					String key = prefix + i;
					ClusterNode node = nodes.get(target);
					try {
						Instant sent = Instant.now();
						connection.apply(node).set(key, "v");
						this.acknowledged.add(new Write(key, node.hostAndPort(), sent, Instant.now()));
					}
					catch (RuntimeException ex) {
						this.lastFailure.set(node + ": " + ex);
						Jedis broken = connections.remove(node);
						if (broken != null) {
							broken.close();
						}
						target = (target + 1) % nodes.size();
					}
					next += 500_000;
					LockSupport.parkNanos(next - System.nanoTime());
				}
			}
			finally {
				connections.values().forEach(Jedis::close);
			}
		}

		List<Write> acknowledged() {
			return List.copyOf(this.acknowledged);
		}

		List<String> acknowledgedBy(ClusterNode node) {
			return this.acknowledged.stream().filter((w) -> w.node().equals(node.hostAndPort())).map(Write::key).toList();
		}

		void stop() throws InterruptedException {
			this.stopped = true;
			this.thread.join(5_000);
		}

		@Override
		public void close() throws InterruptedException {
			stop();
		}

		@Override
		public String toString() {
			return "acknowledged " + this.acknowledged.stream()
				.collect(Collectors.groupingBy(Write::node, TreeMap::new, Collectors.counting()))
				+ ", last failure " + this.lastFailure.get();
		}

	}

}
