package io.keyspace.notifications.testing;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.params.MigrateParams;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A Redis Cluster of {@link RedisServer} processes on loopback (by default 3 primaries, one
 * replica each), formed with plain {@code CLUSTER} commands so no {@code redis-cli} is needed.
 * Roles are always read from the live cluster: after a failover the node you started as a
 * replica is a primary, and helpers that change the topology return only once every
 * running node agrees on it.
 */
public final class LocalRedisCluster implements AutoCloseable {

	private final ClusterProcesses processes;

	private final ClusterSettling settling;

	private LocalRedisCluster(Builder builder) {
		this.processes = new ClusterProcesses(new LinkedHashMap<>(builder.config));
		this.settling = new ClusterSettling(this.processes, builder.settleTimeout);
	}

	public static Builder builder() {
		return new Builder();
	}

	/** 3 primaries with one replica each and {@code notify-keyspace-events KEA}. */
	public static LocalRedisCluster start() {
		return builder().start();
	}

	/** Primaries, i.e. the nodes that own slots, ordered by their first slot. */
	public List<ClusterNode> primaries() {
		ClusterView view = this.settling.await();
		return view.entries().stream()
			.filter((entry) -> this.processes.isRunning(entry.port()) && !view.slotsOf(entry.id()).isEmpty())
			.sorted(Comparator.comparingInt((ClusterView.Entry entry) -> view.slotsOf(entry.id()).get(0)[0]))
			.map(this::node)
			.toList();
	}

	/** Running replicas, ordered by port. */
	public List<ClusterNode> replicas() {
		ClusterView view = this.settling.await();
		return view.entries().stream()
			.filter((entry) -> this.processes.isRunning(entry.port()) && !entry.isPrimary())
			.sorted(Comparator.comparingInt(ClusterView.Entry::port))
			.map(this::node)
			.toList();
	}

	/** Running replicas of {@code primary}, ordered by port. */
	public List<ClusterNode> replicasOf(ClusterNode primary) {
		ClusterView view = this.settling.await();
		return view.entries().stream()
			.filter((entry) -> this.processes.isRunning(entry.port()) && primary.id().equals(entry.masterId()))
			.sorted(Comparator.comparingInt(ClusterView.Entry::port))
			.map(this::node)
			.toList();
	}

	/** Every running node, ordered by port. */
	public List<ClusterNode> nodes() {
		ClusterView view = this.settling.await();
		return view.entries().stream()
			.filter((entry) -> this.processes.isRunning(entry.port()))
			.sorted(Comparator.comparingInt(ClusterView.Entry::port))
			.map(this::node)
			.toList();
	}

	/** {@code "127.0.0.1:port"} of every running node. */
	public List<String> seedNodes() {
		return this.processes.running().stream().map(RedisServer::hostAndPort).toList();
	}

	public int slot(String key) {
		return JedisClusterCRC16.getSlot(key);
	}

	public ClusterNode ownerOf(String key) {
		return ownerOfSlot(slot(key));
	}

	public ClusterNode ownerOfSlot(int slot) {
		ClusterView view = this.settling.await();
		return node(view.byId(view.ownerOf(slot)).orElseThrow());
	}

	/** {@code prefix} plus a number, chosen so the key hashes to a slot of {@code primary}. */
	public String keyOn(ClusterNode primary, String prefix) {
		ClusterView view = this.settling.await();
		for (int i = 0; i < 100_000; i++) {
			String key = prefix + i;
			if (primary.id().equals(view.ownerOf(slot(key)))) {
				return key;
			}
		}
		throw new IllegalArgumentException("No key '" + prefix + "<n>' hashes to a slot of " + primary
				+ " (a {hash tag} in the prefix pins the slot)");
	}

	public void set(String key, String value) {
		onOwner(key, (jedis) -> jedis.set(key, value));
	}

	public String get(String key) {
		return onOwner(key, (jedis) -> jedis.get(key));
	}

	public long del(String key) {
		return onOwner(key, (jedis) -> jedis.del(key));
	}

	/**
	 * Runs {@code command} on a direct connection to the node that owns {@code key}'s slot
	 * now. Unlike the topology helpers this does not wait for the cluster to settle: like a
	 * cluster client it follows MOVED/ASK, so it also works while a slot is being migrated.
	 */
	public <T> T onOwner(String key, Function<Jedis, T> command) {
		int slot = slot(key);
		ClusterNode target = currentOwner(slot);
		boolean asking = false;
		for (int hop = 0; hop < 5; hop++) {
			try (Jedis jedis = target.jedis()) {
				if (asking) {
					jedis.asking();
				}
				return command.apply(jedis);
			}
			catch (JedisMovedDataException ex) {
				target = nodeAt(ex.getTargetNode());
				asking = false;
			}
			catch (JedisAskDataException ex) {
				target = nodeAt(ex.getTargetNode());
				asking = true;
			}
			catch (JedisConnectionException ex) {
				// The owner just died: wait for its replica to take over.
				target = ownerOfSlot(slot);
				asking = false;
			}
		}
		throw new IllegalStateException("Too many redirects for key '" + key + "' (slot " + slot + ")");
	}

	/** {@code FLUSHALL} on every primary (replicas follow), e.g. from {@code @BeforeEach}. */
	public void flushAll() {
		for (ClusterNode primary : primaries()) {
			try (Jedis jedis = primary.jedis()) {
				jedis.flushAll();
			}
		}
	}

	/**
	 * Blocks until every running node reports {@code cluster_state:ok}, all agree on roles and
	 * slots, and replicas are in sync; for tests that change the topology themselves.
	 */
	public void awaitSettled() {
		this.settling.await();
	}

	/** Coordinated {@code CLUSTER FAILOVER} on a replica of {@code primary}; returns the new primary. */
	public ClusterNode failover(ClusterNode primary) {
		ClusterNode replica = firstReplicaOf(primary);
		List<int[]> slots = ownedSlots(primary);
		try (Jedis jedis = replica.jedis()) {
			jedis.clusterFailover();
		}
		this.settling.await("the failover of " + primary + " to " + replica, (view) -> ownsAll(view, replica.id(), slots));
		return node(replica.id());
	}

	/** {@code kill -9} of {@code primary}; returns the replica promoted in its place. */
	public ClusterNode killPrimary(ClusterNode primary) {
		List<String> candidates = replicasOf(primary).stream().map(ClusterNode::id).toList();
		if (candidates.isEmpty()) {
			throw new IllegalStateException(primary + " has no replica to promote");
		}
		List<int[]> slots = ownedSlots(primary);
		primary.server().kill();
		ClusterView view = this.settling.await("a replica of killed " + primary + " to be promoted", (current) -> {
			String owner = current.ownerOf(slots.get(0)[0]);
			return candidates.contains(owner) ? ownsAll(current, owner, slots) : "slots still owned by " + owner;
		});
		return node(view.byId(view.ownerOf(slots.get(0)[0])).orElseThrow());
	}

	/** Starts a stopped or killed node again (same port and node id) and waits until it has rejoined. */
	public ClusterNode restart(ClusterNode node) {
		node.server().start();
		this.settling.await();
		return node(node.id());
	}

	/** Starts a new empty primary and joins it to the cluster; it owns no slots until {@link #moveSlots}. */
	public ClusterNode addPrimary() {
		RedisServer seed = this.processes.running().get(0);
		RedisServer server = this.processes.startNode();
		ClusterProcesses.meet(seed, server);
		this.settling.await();
		return node(ClusterProcesses.idOf(server));
	}

	/**
	 * Migrates {@code firstSlot..lastSlot} with their keys from {@code from} to {@code to}, the
	 * way {@code redis-cli --cluster reshard} does, and waits until every node agrees.
	 */
	public void moveSlots(ClusterNode from, ClusterNode to, int firstSlot, int lastSlot) {
		ClusterView view = this.settling.await();
		if (!view.owns(from.id(), firstSlot, lastSlot)) {
			throw new IllegalArgumentException(from + " does not own all of slots " + firstSlot + "-" + lastSlot);
		}
		if (!view.byId(to.id()).map(ClusterView.Entry::isPrimary).orElse(false)) {
			throw new IllegalArgumentException(to + " is not a primary");
		}
		List<Jedis> others = primaries().stream()
			.filter((primary) -> !primary.id().equals(from.id()) && !primary.id().equals(to.id()))
			.map(ClusterNode::jedis)
			.toList();
		try (Jedis source = from.jedis(); Jedis target = to.jedis()) {
			for (int slot = firstSlot; slot <= lastSlot; slot++) {
				target.clusterSetSlotImporting(slot, from.id());
				source.clusterSetSlotMigrating(slot, to.id());
				List<byte[]> keys;
				while (!(keys = source.clusterGetKeysInSlotBinary(slot, 100)).isEmpty()) {
					source.migrate(to.host(), to.port(), 0, 10_000, new MigrateParams(), keys.toArray(byte[][]::new));
				}
				// Target first: once the source lets go, clients are sent to a node that accepts the slot.
				target.clusterSetSlotNode(slot, to.id());
				source.clusterSetSlotNode(slot, to.id());
				for (Jedis other : others) {
					other.clusterSetSlotNode(slot, to.id());
				}
			}
		}
		finally {
			others.forEach(Jedis::close);
		}
		this.settling.await("slots " + firstSlot + "-" + lastSlot + " to move to " + to,
				(current) -> current.owns(to.id(), firstSlot, lastSlot) ? null : "not yet owned by " + to);
	}

	/** Kills every node and deletes their directories. */
	@Override
	public void close() {
		this.processes.close();
	}

	private ClusterNode firstReplicaOf(ClusterNode primary) {
		List<ClusterNode> replicas = replicasOf(primary);
		if (replicas.isEmpty()) {
			throw new IllegalStateException(primary + " has no replica");
		}
		return replicas.get(0);
	}

	private List<int[]> ownedSlots(ClusterNode primary) {
		List<int[]> slots = this.settling.await().slotsOf(primary.id());
		if (slots.isEmpty()) {
			throw new IllegalArgumentException(primary + " is not a primary owning slots");
		}
		return slots;
	}

	private static String ownsAll(ClusterView view, String id, List<int[]> slots) {
		for (int[] range : slots) {
			if (!view.owns(id, range[0], range[1])) {
				return "slots " + range[0] + "-" + range[1] + " not yet owned by " + id;
			}
		}
		return null;
	}

	private ClusterNode currentOwner(int slot) {
		for (RedisServer server : this.processes.running()) {
			try {
				ClusterView view = ClusterProcesses.view(server);
				ClusterView.Entry owner = view.byId(Objects.requireNonNullElse(view.ownerOf(slot), "")).orElse(null);
				if (owner != null && this.processes.isRunning(owner.port())) {
					return node(owner);
				}
			}
			catch (JedisConnectionException ex) {
				// Try the next node.
			}
		}
		return ownerOfSlot(slot);
	}

	private ClusterNode node(String id) {
		return node(this.settling.await().byId(id).orElseThrow(() -> new IllegalStateException("Unknown node " + id)));
	}

	private ClusterNode node(ClusterView.Entry entry) {
		return new ClusterNode(entry.id(), RedisServer.HOST, entry.port(), this.processes.serverAt(entry.port()));
	}

	private ClusterNode nodeAt(HostAndPort address) {
		RedisServer server = this.processes.serverAt(address.getPort());
		return new ClusterNode(ClusterProcesses.idOf(server), RedisServer.HOST, server.port(), server);
	}

	/** Cluster settings; node defaults add {@code cluster-node-timeout 2000} and {@code notify-keyspace-events KEA}. */
	public static final class Builder {

		private final Map<String, List<String>> config = new LinkedHashMap<>();

		private int primaries = 3;

		private int replicasPerPrimary = 1;

		private Duration settleTimeout = Duration.ofSeconds(30);

		private Builder() {
			this.config.put("cluster-enabled", List.of("yes"));
			this.config.put("cluster-config-file", List.of("nodes.conf"));
			// 2 s: a killed primary's replica takes over in about 3-4 s instead of 15+.
			this.config.put("cluster-node-timeout", List.of("2000"));
			// Always let a replica take over, however long it was out of touch: tests kill nodes on purpose.
			this.config.put("cluster-replica-validity-factor", List.of("0"));
			this.config.put("notify-keyspace-events", List.of("KEA"));
		}

		/** A config directive for every node (see {@link RedisServer.Builder#config(String, String...)}). */
		public Builder config(String name, String... values) {
			this.config.put(name.toLowerCase(Locale.ROOT), List.of(values));
			return this;
		}

		public Builder configPairs(String... nameValuePairs) {
			if (nameValuePairs.length % 2 != 0) {
				throw new IllegalArgumentException("Expected name/value pairs");
			}
			for (int i = 0; i < nameValuePairs.length; i += 2) {
				config(nameValuePairs[i], nameValuePairs[i + 1]);
			}
			return this;
		}

		public Builder primaries(int primaries) {
			if (primaries < 1 || primaries > ClusterView.SLOTS) {
				throw new IllegalArgumentException("primaries must be 1.." + ClusterView.SLOTS);
			}
			this.primaries = primaries;
			return this;
		}

		public Builder replicasPerPrimary(int replicasPerPrimary) {
			if (replicasPerPrimary < 0) {
				throw new IllegalArgumentException("replicasPerPrimary must be >= 0");
			}
			this.replicasPerPrimary = replicasPerPrimary;
			return this;
		}

		/** How long topology helpers wait for the cluster to settle before failing. */
		public Builder settleTimeout(Duration settleTimeout) {
			this.settleTimeout = Objects.requireNonNull(settleTimeout);
			return this;
		}

		/** Starts the nodes, forms the cluster and waits until it has settled. */
		public LocalRedisCluster start() {
			LocalRedisCluster cluster = new LocalRedisCluster(this);
			try {
				cluster.processes.form(this.primaries, this.replicasPerPrimary, cluster.settling);
				cluster.settling.await("the new cluster to settle", (view) -> null);
				return cluster;
			}
			catch (RuntimeException ex) {
				cluster.close();
				throw ex;
			}
		}

	}

}
