package io.keyspace.notifications;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.testing.ClusterNode;
import io.keyspace.notifications.testing.KeyMirror;
import io.keyspace.notifications.testing.LocalRedisCluster;
import io.keyspace.notifications.testing.RedisClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.util.JedisClusterCRC16;

import static io.keyspace.notifications.IntegrationTestSettings.FAST_RECONNECT;
import static io.keyspace.notifications.IntegrationTestSettings.IN_ORDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Resync passes against a real 3-primary/3-replica Redis Cluster: a new subscription scans
 * every shard on the primary that owns it, and a killed primary's gap rescans only its shard,
 * on the replica promoted in its place. One cluster serves the class and the second test
 * kills a primary (restarting it afterwards, as a replica), so the tests are ordered and
 * look roles up fresh.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterResyncIT {

	@RegisterExtension
	static final RedisClusterExtension redis = RedisClusterExtension.create();

	private static final Duration REFRESH = Duration.ofSeconds(1);

	private static final String PATTERN = "acc:*";

	/** Keys written before subscribing: {@code acc:0} to {@code acc:299}, over ~300 slots of all shards. */
	private static final int KEYS = 300;

	private ClusterKeyspaceNotifications notifications;

	@BeforeEach
	void open() {
		cluster().flushAll();
		List<RedisNode> seeds = cluster().seedNodes().stream().map(RedisNode::parse).toList();
		this.notifications = new ClusterKeyspaceNotifications(seeds, FAST_RECONNECT, IN_ORDER, REFRESH);
	}

	@AfterEach
	void close() {
		this.notifications.close();
	}

	@Test
	@Order(1)
	void keysPresentBeforeSubscribingAreResyncedFromEveryShard() {
		List<ClusterNode> primaries = cluster().primaries();
		assertThat(primaries).as("primaries of a healthy cluster").hasSize(3);
		writeInitialKeys();
		// Keys around the pattern that it does not match: never resynced.
		try (ClusterWriter writer = new ClusterWriter(cluster().nodes())) {
			for (String other : List.of("other:1", "other:2", "acc", "accx:1", "xacc:1", "ACC:1")) {
				assertThat(writer.set(other, "v")).as("SET %s acknowledged", other).isNotNull();
			}
		}
		Map<String, String> owners = ownersOfMatchingKeys();
		assertThat(owners).hasSize(KEYS);
		assertThat(new TreeSet<>(owners.values())).as("primaries holding acc:* keys")
			.containsExactlyInAnyOrderElementsOf(hostAndPorts(primaries));

		KeyMirror mirror = new KeyMirror();
		this.notifications.subscribeResynced(mirror, mirror, new KeyspaceChannel(PATTERN));

		await("3 initial passes to complete").atMost(Duration.ofSeconds(20))
			.until(() -> mirror.completedPasses().size() >= 3);
		awaitNoPassRunning();
		List<ResyncPass> passes = mirror.completedPasses();
		assertThat(passes).as("completed passes: %s", describe(passes))
			.extracting(ResyncPass::node)
			.containsExactlyInAnyOrderElementsOf(hostAndPorts(primaries));
		assertThat(passes).allSatisfy((pass) -> assertThat(pass.cause()).as("cause of %s", pass.node()).isEmpty());
		for (ClusterNode primary : primaries) {
			assertThat(mirror.phases()).as("phases of %s", primary)
				.filteredOn((phase) -> phase.endsWith(" " + primary.hostAndPort()))
				.containsExactly("started " + primary.hostAndPort(), "completed " + primary.hostAndPort());
		}

		assertThat(mirror.keys()).as("the mirror against the cluster's keys").isEqualTo(owners.keySet());
		List<KeyNotification> resyncs = mirror.resyncs();
		assertThat(resyncs).extracting(KeyNotification::key).as("one resync notification per key")
			.doesNotHaveDuplicates()
			.hasSize(KEYS);
		assertThat(resyncs).allSatisfy((notification) -> {
			assertThat(notification.event()).isEqualTo(EventType.RESYNC);
			assertThat(notification.type()).isEqualTo(ChannelType.KEYSPACE);
			assertThat(notification.node()).as("node of the resync of %s", notification.key())
				.isEqualTo(owners.get(notification.key()));
		});
		for (ResyncPass pass : passes) {
			long held = owners.values().stream().filter(pass.node()::equals).count();
			assertThat(pass.keys()).as("keys resynced from %s", pass.node()).isEqualTo(held);
		}
		// Each key is covered by exactly one pass: the one of the primary holding it.
		owners.forEach((key, owner) -> assertThat(passes).filteredOn((pass) -> pass.covers(key))
			.as("passes covering %s (on %s)", key, owner)
			.singleElement()
			.extracting(ResyncPass::node)
			.isEqualTo(owner));
		assertThat(passes).noneMatch((pass) -> pass.covers("other:1") || pass.covers("accx:1"));
		assertThat(this.notifications.metrics().resync().completed()).isEqualTo(3);
		assertThat(this.notifications.metrics().resync().keys()).isEqualTo(KEYS);
	}

	@Test
	@Order(2)
	void aKilledPrimaryRescansOnlyItsShard() throws Exception {
		writeInitialKeys();
		KeyMirror mirror = new KeyMirror();
		PassLog log = new PassLog(mirror);
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		this.notifications.addGapListener(gaps::add);
		this.notifications.subscribeResynced(mirror, log, new KeyspaceChannel(PATTERN));
		await("3 initial passes to complete").atMost(Duration.ofSeconds(20)).until(() -> log.completed().size() >= 3);
		awaitNoPassRunning();
		assertThat(log.started()).as("initial passes: %s", describe(log.started())).hasSize(3);
		assertThat(mirror.keys()).isEqualTo(matchingKeys());

		List<ClusterNode> primaries = cluster().primaries();
		ClusterNode victim = primaries.get(0);
		Set<String> survivors = new TreeSet<>(hostAndPorts(primaries.subList(1, primaries.size())));
		String victimReplica = cluster().replicasOf(victim).get(0).hostAndPort();
		AtomicReference<ClusterNode> promotedRef = new AtomicReference<>();
		AtomicReference<String> loadSummary = new AtomicReference<>();
		try {
			int startedBefore;
			try (Load load = new Load(cluster().nodes(), 500, 1_000, 42)) {
				await("writes on every primary").atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(load.acknowledgedBy())
						.as(load::toString)
						.containsKeys(hostAndPorts(primaries).toArray(String[]::new))
						.allSatisfy((node, count) -> assertThat(count).isGreaterThanOrEqualTo(100)));
				assertThat(gaps).as("gaps before the kill").isEmpty();
				startedBefore = log.started().size();

				ClusterNode promoted = cluster().killPrimary(victim);
				promotedRef.set(promoted);
				assertThat(promoted.hostAndPort()).as("the replica promoted in place of %s", victim)
					.isEqualTo(victimReplica);
				await("a gap pass on the promoted " + promoted + " to complete").atMost(Duration.ofSeconds(20))
					.untilAsserted(() -> assertThat(log.completedSince(startedBefore))
						.as("passes completed since the kill: %s; gaps: %s", describe(log.completed()), gaps)
						.anySatisfy((pass) -> {
							assertThat(pass.node()).isEqualTo(promoted.hostAndPort());
							assertThat(pass.cause()).isPresent();
						}));
				// The load goes on after the pass, on the promoted primary too: live notifications on top.
				long onPromoted = load.acknowledgedBy().getOrDefault(promoted.hostAndPort(), 0);
				await("more writes on the promoted " + promoted).atMost(Duration.ofSeconds(10))
					.until(() -> load.acknowledgedBy().getOrDefault(promoted.hostAndPort(), 0) >= onPromoted + 500);
				loadSummary.set(load.toString());
			}
			ClusterNode promoted = promotedRef.get();

			await("the mirror to converge").atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(mirror.keys()).isEqualTo(matchingKeys()));
			awaitNoPassRunning();
			List<ResyncPass> afterKill = log.startedSince(startedBefore);
			String context = String.format("passes started since %s was killed: %s; gaps: %s", victim,
					describe(afterKill), gaps);
			System.out.printf("Killed %s, promoted %s; load: %s; %s%n", victim, promoted, loadSummary.get(), context);
			assertThat(afterKill).as(context).isNotEmpty();
			assertThat(afterKill).as(context)
				.extracting(ResyncPass::node)
				.doesNotContainAnyElementsOf(survivors)
				.containsOnly(promoted.hostAndPort());
			assertThat(afterKill).as(context).allSatisfy((pass) -> assertThat(pass.cause()).hasValueSatisfying(
					(gap) -> assertThat(gap.node()).isIn(victim.hostAndPort(), promoted.hostAndPort())));
			assertThat(gaps).as("gaps reported").isNotEmpty()
				.extracting(NotificationGap::node)
				.doesNotContainAnyElementsOf(survivors);

			// What the gap pass covers: the killed shard's keys, now on the promoted primary, and no others.
			ResyncPass gapPass = log.completedSince(startedBefore).stream()
				.filter((pass) -> pass.node().equals(promoted.hostAndPort()))
				.findFirst()
				.orElseThrow();
			Map<String, String> owners = ownersOfMatchingKeys();
			assertThat(owners).as("keys by primary").containsValue(promoted.hostAndPort());
			owners.forEach((key, owner) -> assertThat(gapPass.covers(key)).as("the gap pass covers %s (owned by %s)", key,
					owner).isEqualTo(owner.equals(promoted.hostAndPort())));
		}
		finally {
			// The killed node comes back as a replica of the promoted one: a healthy cluster again.
			if (!victim.server().isRunning()) {
				cluster().restart(victim);
			}
		}
		assertThat(cluster().replicasOf(promotedRef.get())).as("replicas of %s", promotedRef.get()).contains(victim);
		assertThat(cluster().primaries()).hasSize(3);
	}

	/** Writes {@code acc:0} to {@code acc:299}, each to the primary owning its slot; every write must be acknowledged. */
	private static void writeInitialKeys() {
		try (ClusterWriter writer = new ClusterWriter(cluster().nodes())) {
			for (int i = 0; i < KEYS; i++) {
				String key = "acc:" + i;
				assertThat(writer.set(key, "v")).as("SET %s acknowledged (%s)", key, writer.lastFailure()).isNotNull();
			}
		}
	}

	private void awaitNoPassRunning() {
		await("no resync pass to be running or pending").atMost(Duration.ofSeconds(20))
			.until(() -> this.notifications.metrics().resync().running() == 0);
	}

	/** Every key matching the pattern, from each primary itself. */
	private static Set<String> matchingKeys() {
		return new TreeSet<>(ownersOfMatchingKeys().keySet());
	}

	/** Each key matching the pattern and the primary that holds it, asked of each primary. */
	private static Map<String, String> ownersOfMatchingKeys() {
		Map<String, String> owners = new TreeMap<>();
		for (ClusterNode primary : cluster().primaries()) {
			try (Jedis jedis = primary.jedis()) {
				jedis.keys(PATTERN).forEach((key) -> {
					String previous = owners.put(key, primary.hostAndPort());
					assertThat(previous).as("%s is on two primaries", key).isNull();
				});
			}
		}
		return owners;
	}

	private static List<String> hostAndPorts(List<ClusterNode> nodes) {
		return nodes.stream().map(ClusterNode::hostAndPort).toList();
	}

	private static String describe(List<ResyncPass> passes) {
		return passes.stream()
			.map((pass) -> pass.node() + " (" + pass.keys() + " keys, cause "
					+ pass.cause().map((gap) -> gap.cause() + " on " + gap.node()).orElse("none") + ")")
			.collect(Collectors.joining(", ", "[", "]"));
	}

	private static LocalRedisCluster cluster() {
		return redis.cluster();
	}

	/** The mirror's listener, remembering every pass started and completed, in order. */
	private static final class PassLog implements ResyncListener {

		private final ResyncListener mirror;

		private final List<ResyncPass> started = new CopyOnWriteArrayList<>();

		private final List<ResyncPass> completed = new CopyOnWriteArrayList<>();

		PassLog(ResyncListener mirror) {
			this.mirror = mirror;
		}

		@Override
		public void started(ResyncPass pass) {
			this.started.add(pass);
			this.mirror.started(pass);
		}

		@Override
		public void completed(ResyncPass pass) {
			this.mirror.completed(pass);
			this.completed.add(pass);
		}

		List<ResyncPass> started() {
			return List.copyOf(this.started);
		}

		List<ResyncPass> completed() {
			return List.copyOf(this.completed);
		}

		/** Passes started after the first {@code count} passes had started. */
		List<ResyncPass> startedSince(int count) {
			List<ResyncPass> all = started();
			return all.subList(Math.min(count, all.size()), all.size());
		}

		/** Completed passes among those started after the first {@code count}. */
		List<ResyncPass> completedSince(int count) {
			Set<ResyncPass> since = new HashSet<>(startedSince(count));
			return completed().stream().filter(since::contains).toList();
		}

	}

	/**
	 * Writes to a cluster like a cluster client: each key to the node that owns its slot,
	 * learnt from MOVED replies (a node not known yet, or gone, is replaced by the next node of
	 * the list, which redirects). A write that finds no owner within a few hops (the owner is
	 * down and not replaced yet) is given up and reported as not acknowledged. One thread only.
	 */
	private static final class ClusterWriter implements AutoCloseable {

		private static final JedisClientConfig CONFIG = DefaultJedisClientConfig.builder()
			.connectionTimeoutMillis(1_000)
			.socketTimeoutMillis(2_000)
			.build();

		private final List<HostAndPort> nodes;

		private final HostAndPort[] owners = new HostAndPort[16384];

		private final Map<HostAndPort, Jedis> connections = new HashMap<>();

		private int next;

		private String lastFailure = "none";

		ClusterWriter(List<ClusterNode> nodes) {
			this.nodes = nodes.stream().map((node) -> new HostAndPort(node.host(), node.port())).toList();
		}

		/** SET; returns the node that acknowledged it ({@code host:port}), or null. */
		String set(String key, String value) {
			return write(key, (jedis) -> jedis.set(key, value));
		}

		/** DEL; returns the node that acknowledged it ({@code host:port}), or null. */
		String del(String key) {
			return write(key, (jedis) -> jedis.del(key));
		}

		private String write(String key, Consumer<Jedis> command) {
			int slot = JedisClusterCRC16.getSlot(key);
			HostAndPort node = (this.owners[slot] != null) ? this.owners[slot] : anyNode();
			for (int hop = 0; hop < 5; hop++) {
				try {
					command.accept(this.connections.computeIfAbsent(node, (address) -> new Jedis(address, CONFIG)));
					this.owners[slot] = node;
					return node.toString();
				}
				catch (JedisMovedDataException ex) {
					node = ex.getTargetNode();
					this.owners[slot] = node;
				}
				catch (JedisConnectionException ex) {
					this.lastFailure = node + ": " + ex;
					Jedis broken = this.connections.remove(node);
					if (broken != null) {
						broken.close();
					}
					this.owners[slot] = null;
					node = anyNode();
				}
				catch (JedisDataException ex) {
					// CLUSTERDOWN while a slot has no owner, or READONLY: not acknowledged.
					this.lastFailure = node + ": " + ex;
					this.owners[slot] = null;
					return null;
				}
			}
			return null;
		}

		private HostAndPort anyNode() {
			return this.nodes.get(this.next++ % this.nodes.size());
		}

		String lastFailure() {
			return this.lastFailure;
		}

		@Override
		public void close() {
			this.connections.values().forEach(Jedis::close);
			this.connections.clear();
		}

	}

	/**
	 * SET or DEL (half each) of random keys {@code acc:0} to {@code acc:<keys - 1>} at a steady
	 * pace on its own thread, through a {@link ClusterWriter}; counts what each node
	 * acknowledged. Writes no node accepted (during a failover) are counted as refused.
	 */
	private static final class Load implements AutoCloseable {

		private final Map<String, AtomicInteger> acknowledged = new ConcurrentHashMap<>();

		private final AtomicInteger refused = new AtomicInteger();

		private final AtomicReference<String> lastFailure = new AtomicReference<>("none");

		private final AtomicReference<Throwable> crash = new AtomicReference<>();

		private final Thread thread;

		private volatile boolean stopped;

		Load(List<ClusterNode> nodes, int keys, int perSecond, long seed) {
			long intervalNanos = 1_000_000_000L / perSecond;
			this.thread = new Thread(() -> {
				Random random = new Random(seed);
				try (ClusterWriter writer = new ClusterWriter(nodes)) {
					long due = System.nanoTime();
					for (int i = 0; !this.stopped; i++) {
						String key = "acc:" + random.nextInt(keys);
						String node = random.nextBoolean() ? writer.set(key, "v" + i) : writer.del(key);
						if (node != null) {
							this.acknowledged.computeIfAbsent(node, (n) -> new AtomicInteger()).incrementAndGet();
						}
						else {
							this.refused.incrementAndGet();
							this.lastFailure.set(writer.lastFailure());
						}
						due += intervalNanos;
						LockSupport.parkNanos(due - System.nanoTime());
					}
				}
				catch (Throwable ex) {
					this.crash.set(ex);
				}
			}, "cluster-resync-load");
			this.thread.start();
		}

		/** Writes acknowledged by each node ({@code host:port}) so far. */
		Map<String, Integer> acknowledgedBy() {
			if (this.crash.get() != null) {
				throw new IllegalStateException("The load writer crashed", this.crash.get());
			}
			Map<String, Integer> counts = new TreeMap<>();
			this.acknowledged.forEach((node, count) -> counts.put(node, count.get()));
			return counts;
		}

		@Override
		public String toString() {
			return "acknowledged " + acknowledgedBy() + ", refused " + this.refused.get() + ", last failure "
					+ this.lastFailure.get();
		}

		@Override
		public void close() throws InterruptedException {
			this.stopped = true;
			this.thread.join(10_000);
			assertThat(this.thread.isAlive()).as("the load writer still running").isFalse();
			if (this.crash.get() != null) {
				throw new IllegalStateException("The load writer crashed", this.crash.get());
			}
		}

	}

}
