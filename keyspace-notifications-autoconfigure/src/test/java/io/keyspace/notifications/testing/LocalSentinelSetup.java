package io.keyspace.notifications.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A Redis Sentinel setup of {@link RedisServer} processes on loopback: one master, one
 * replica and (by default) three sentinels that monitor the master as {@code mymaster} with
 * quorum 2, with timings short enough for tests (down after 1 s, failover timeout 3 s).
 * Roles are always read from the sentinels and the nodes: after a failover the node started
 * as replica is the master, and helpers that change roles return only once every sentinel
 * agrees and the other data node replicates from the new master in sync.
 */
public final class LocalSentinelSetup implements AutoCloseable {

	/** Sentinel's internal periods (SENTINEL DEBUG, Redis 7.0+), shortened as Redis's own sentinel tests do. */
	private static final List<String> DEBUG_PERIODS = List.of(
			// INFO to the data nodes every 1 s instead of 10 s: a restarted node is seen at once.
			"info-period", "1000",
			// Hellos every 0.5 s instead of 2 s; a returning old master is demoted after 4 of them (2 s, not 8 s).
			"publish-period", "500");

	private final ReplicationNodes dataNodes;

	// Copy-on-write: tests may read the sentinels from other threads while a helper restarts one.
	private final List<RedisServer> sentinels = new CopyOnWriteArrayList<>();

	private final String masterName;

	private final Duration downAfter;

	private final Duration failoverTimeout;

	private final Duration timeout;

	private LocalSentinelSetup(Builder builder) {
		this.dataNodes = new ReplicationNodes(builder.dataNodes.nodeConfig());
		this.masterName = builder.masterName;
		this.downAfter = builder.downAfter;
		this.failoverTimeout = builder.failoverTimeout;
		this.timeout = builder.timeout;
	}

	public static Builder builder() {
		return new Builder();
	}

	/** Master, replica and three sentinels with the defaults of {@link Builder}. */
	public static LocalSentinelSetup start() {
		return builder().start();
	}

	/** The name the sentinels know the master by, {@code mymaster} by default. */
	public String masterName() {
		return this.masterName;
	}

	/** Every sentinel, also stopped ones. */
	public List<RedisServer> sentinels() {
		return List.copyOf(this.sentinels);
	}

	/** {@code "127.0.0.1:port"} of every running sentinel: what a Sentinel client is configured with. */
	public List<String> sentinelAddresses() {
		return this.sentinels.stream().filter(RedisServer::isRunning).map(RedisServer::hostAndPort).toList();
	}

	/** Both data nodes in start order (the first started as master), also stopped ones. */
	public List<RedisServer> dataNodes() {
		return this.dataNodes.all();
	}

	/** {@code sentinel down-after-milliseconds}: how long a silent master takes to be seen as down. */
	public Duration downAfter() {
		return this.downAfter;
	}

	/** {@code sentinel failover-timeout}. */
	public Duration failoverTimeout() {
		return this.failoverTimeout;
	}

	/** The master as every running sentinel reports it, once the setup has settled ({@link #awaitSettled()}). */
	public RedisServer master() {
		return settle("the sentinel setup to settle", null);
	}

	/** The running data node that replicates from {@link #master()}. */
	public RedisServer replica() {
		RedisServer master = master();
		return this.dataNodes.running()
			.stream()
			.filter((node) -> node != master)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No replica of " + master.hostAndPort() + " is running"));
	}

	/**
	 * Blocks until every running sentinel reports the same running master with no failover
	 * in progress, knows the other running sentinels and every running replica as healthy,
	 * and every running replica is in sync with that master.
	 */
	public void awaitSettled() {
		master();
	}

	/**
	 * {@code SENTINEL FAILOVER}: promotes the replica although the master is fine. Returns
	 * the new master once every sentinel reports it and the old master has been turned into
	 * its replica (Sentinel does that itself, about 2 s after the switch) and is in sync.
	 */
	public RedisServer failover() {
		RedisServer oldMaster = master();
		RedisServer candidate = replica();
		RedisServer sentinel = runningSentinels().get(0);
		Polling.untilNoProblem(sentinel.hostAndPort() + " to accept SENTINEL FAILOVER " + this.masterName, this.timeout,
				List.of(sentinel), () -> {
					try (Jedis jedis = sentinel.jedis()) {
						jedis.sentinelFailover(this.masterName);
						return null;
					}
					catch (JedisDataException ex) {
						// INPROG: an earlier attempt got through although its reply was lost; retrying
						// after it ends would fail over a second time. NOGOODSLAVE right after a topology
						// change: the sentinel's INFO of the replica is not fresh yet, it will be soon.
						return String.valueOf(ex.getMessage()).startsWith("INPROG") ? null : ex.getMessage();
					}
				});
		return settle("the failover from " + oldMaster.hostAndPort() + " to " + candidate.hostAndPort(), candidate);
	}

	/**
	 * {@code kill -9} of the current master; returns the killed server. The sentinels notice
	 * after {@link #downAfter()} and promote the replica, typically about 2 s after the kill:
	 * wait for that with {@link #awaitMaster(RedisServer, Duration)}. Allow twice
	 * {@link #failoverTimeout()} on top: when sentinels start at the same moment and split
	 * the vote, the next attempt comes only that much later.
	 */
	public RedisServer killMaster() {
		RedisServer master = master();
		master.kill();
		return master;
	}

	/**
	 * Waits until every running sentinel reports {@code expected} as the master and it
	 * answers with role master. Unlike {@link #awaitSettled()} this does not wait for the
	 * other data node, which may be dead.
	 */
	public void awaitMaster(RedisServer expected, Duration timeout) {
		awaitMaster(expected.hostAndPort(), timeout);
	}

	/** {@link #awaitMaster(RedisServer, Duration)} for a {@code "127.0.0.1:port"} address. */
	public void awaitMaster(String hostAndPort, Duration timeout) {
		Polling.untilNoProblem("every sentinel to report " + hostAndPort + " as master", timeout, allServers(), () -> {
			for (RedisServer sentinel : runningSentinels()) {
				String reported = reportedMaster(sentinel);
				if (!hostAndPort.equals(reported)) {
					return sentinel.hostAndPort() + " reports " + reported;
				}
			}
			RedisServer node = dataNodeAt(hostAndPort);
			if (node == null) {
				return hostAndPort + " is not a data node of this setup";
			}
			ReplicationNodes.Replication replication = ReplicationNodes.Replication.of(node);
			return replication.isMaster() ? null : hostAndPort + " has role " + replication.role();
		});
	}

	/**
	 * Starts a stopped or killed data node or sentinel again on its port and waits until the
	 * setup has settled with it. A data node restarts with its last config: an old master
	 * comes back as a master (with an empty data set), and the sentinels turn it into a
	 * replica of the current master about 2 s later.
	 */
	public RedisServer restart(RedisServer server) {
		if (!this.sentinels.contains(server) && !this.dataNodes.all().contains(server)) {
			throw new IllegalArgumentException(server + " is not part of this setup");
		}
		server.start();
		if (server.isSentinel()) {
			shortenPeriods(server);
		}
		settle(server.hostAndPort() + " to rejoin the setup", null);
		return server;
	}

	/** Kills every sentinel and data node and deletes their directories. */
	@Override
	public void close() {
		this.sentinels.forEach(RedisServer::close);
		this.dataNodes.close();
	}

	private void startSentinels(int count, int quorum, int parallelSyncs, Consumer<RedisServer.Builder> config) {
		RedisServer master = this.dataNodes.all().get(0);
		for (int i = 0; i < count; i++) {
			RedisServer.Builder builder = RedisServer.builder()
				.sentinel()
				.addConfig("sentinel", "monitor", this.masterName, master.host(), Integer.toString(master.port()),
						Integer.toString(quorum))
				.addConfig("sentinel", "down-after-milliseconds", this.masterName, millis(this.downAfter))
				.addConfig("sentinel", "failover-timeout", this.masterName, millis(this.failoverTimeout))
				.addConfig("sentinel", "parallel-syncs", this.masterName, Integer.toString(parallelSyncs));
			config.accept(builder);
			RedisServer sentinel = builder.build();
			this.sentinels.add(sentinel);
			sentinel.start();
			shortenPeriods(sentinel);
		}
	}

	private static void shortenPeriods(RedisServer sentinel) {
		List<String> args = new ArrayList<>(List.of("DEBUG"));
		args.addAll(DEBUG_PERIODS);
		try (Jedis jedis = sentinel.jedis()) {
			jedis.sendCommand(Protocol.Command.SENTINEL, args.toArray(String[]::new));
		}
		catch (JedisDataException ex) {
			// Before Redis 7.0 there is no SENTINEL DEBUG: the same steps, just slower.
		}
	}

	/**
	 * Waits until the setup has settled (see {@link #awaitSettled()}) with {@code expected} as
	 * master, or any master if it is {@code null}; returns the master.
	 */
	private RedisServer settle(String what, RedisServer expected) {
		RedisServer[] master = new RedisServer[1];
		Polling.untilNoProblem(what, this.timeout, allServers(), () -> {
			List<RedisServer> running = runningSentinels();
			if (running.isEmpty()) {
				return "no sentinel is running";
			}
			String agreed = reportedMaster(running.get(0));
			RedisServer node = dataNodeAt(agreed);
			if (node == null) {
				return running.get(0).hostAndPort() + " reports " + agreed + ", which is not a data node of this setup";
			}
			if (expected != null && node != expected) {
				return running.get(0).hostAndPort() + " still reports " + agreed + " as master";
			}
			for (RedisServer sentinel : running) {
				String problem = problemSeenBy(sentinel, agreed, running);
				if (problem != null) {
					return problem;
				}
			}
			master[0] = node;
			return this.dataNodes.problemWithMaster(node);
		});
		return master[0];
	}

	/** What {@code sentinel} sees wrong with a setup whose master is {@code master}, or {@code null}. */
	private String problemSeenBy(RedisServer sentinel, String master, List<RedisServer> runningSentinels) {
		try (Jedis jedis = sentinel.jedis()) {
			List<String> address = jedis.sentinelGetMasterAddrByName(this.masterName);
			String reported = (address == null) ? null : address.get(0) + ":" + address.get(1);
			if (!master.equals(reported)) {
				return "sentinels disagree: " + sentinel.hostAndPort() + " reports " + reported + ", another " + master;
			}
			String flags = jedis.sentinelMaster(this.masterName).get("flags");
			if (!"master".equals(flags)) {
				return sentinel.hostAndPort() + " sees master " + master + " with flags " + flags;
			}
			List<Map<String, String>> peers = jedis.sentinelSentinels(this.masterName);
			for (RedisServer other : runningSentinels) {
				String problem = (other != sentinel) ? unhealthy(peers, other, "sentinel", null) : null;
				if (problem != null) {
					return sentinel.hostAndPort() + " sees sentinel " + other.hostAndPort() + " as " + problem;
				}
			}
			List<Map<String, String>> replicas = jedis.sentinelReplicas(this.masterName);
			for (RedisServer node : this.dataNodes.running()) {
				String problem = !node.hostAndPort().equals(master) ? unhealthy(replicas, node, "slave", master) : null;
				if (problem != null) {
					return sentinel.hostAndPort() + " sees replica " + node.hostAndPort() + " as " + problem;
				}
			}
			return null;
		}
	}

	/**
	 * What keeps the entry for {@code server} in {@code entries} (SENTINEL SENTINELS or
	 * REPLICAS) from showing a healthy peer of {@code type}, or {@code null}. Only the down
	 * and disconnected flags count: {@code master_down} on a peer sentinel is its stale vote
	 * about the old master, which Sentinel clears only 5 ask periods later.
	 */
	private static String unhealthy(List<Map<String, String>> entries, RedisServer server, String type, String master) {
		Map<String, String> entry = entries.stream()
			.filter((candidate) -> server.host().equals(candidate.get("ip"))
					&& String.valueOf(server.port()).equals(candidate.get("port")))
			.findFirst()
			.orElse(null);
		if (entry == null) {
			return "unknown";
		}
		List<String> flags = List.of(entry.get("flags").split(","));
		if (!flags.contains(type) || flags.contains("s_down") || flags.contains("o_down") || flags.contains("disconnected")) {
			return "flags " + entry.get("flags");
		}
		if (master != null) {
			// The flags name the role the sentinel assigns; the node's own INFO, as last seen, must agree.
			String reported = entry.get("role-reported") + " of " + entry.get("master-host") + ":" + entry.get("master-port")
					+ ", link " + entry.get("master-link-status");
			if (!reported.equals("slave of " + master + ", link ok")) {
				return "reporting " + reported;
			}
		}
		return null;
	}

	private String reportedMaster(RedisServer sentinel) {
		try (Jedis jedis = sentinel.jedis()) {
			List<String> address = jedis.sentinelGetMasterAddrByName(this.masterName);
			return (address == null) ? null : address.get(0) + ":" + address.get(1);
		}
	}

	private RedisServer dataNodeAt(String hostAndPort) {
		return this.dataNodes.running()
			.stream()
			.filter((node) -> node.hostAndPort().equals(hostAndPort))
			.findFirst()
			.orElse(null);
	}

	private List<RedisServer> runningSentinels() {
		return this.sentinels.stream().filter(RedisServer::isRunning).toList();
	}

	private List<RedisServer> allServers() {
		List<RedisServer> all = new ArrayList<>(this.dataNodes.all());
		all.addAll(this.sentinels);
		return all;
	}

	private static String millis(Duration duration) {
		return Long.toString(duration.toMillis());
	}

	/**
	 * Settings. Defaults: master name {@code mymaster}, 3 sentinels, quorum 2,
	 * {@code down-after-milliseconds 1000}, {@code failover-timeout 3000},
	 * {@code parallel-syncs 1}, {@code notify-keyspace-events KEA} on the data nodes.
	 */
	public static final class Builder {

		private final LocalMasterReplica.Builder dataNodes = LocalMasterReplica.builder();

		private final List<Consumer<RedisServer.Builder>> sentinelConfig = new ArrayList<>();

		private String masterName = "mymaster";

		private int sentinels = 3;

		private int quorum = 2;

		private int parallelSyncs = 1;

		// 1 s: a killed master is promoted away from in about 2-3 s instead of 30+.
		private Duration downAfter = Duration.ofSeconds(1);

		// 3 s: a failover attempt that found no leader is retried after 2 x 3 s instead of 6 minutes.
		private Duration failoverTimeout = Duration.ofSeconds(3);

		private Duration timeout = Duration.ofSeconds(20);

		private Builder() {
		}

		public Builder masterName(String masterName) {
			if (masterName.isEmpty() || masterName.chars().anyMatch(Character::isWhitespace)) {
				throw new IllegalArgumentException("Master name must be one word: '" + masterName + "'");
			}
			this.masterName = masterName;
			return this;
		}

		public Builder sentinels(int sentinels) {
			if (sentinels < 1) {
				throw new IllegalArgumentException("sentinels must be >= 1");
			}
			this.sentinels = sentinels;
			return this;
		}

		public Builder quorum(int quorum) {
			if (quorum < 1) {
				throw new IllegalArgumentException("quorum must be >= 1");
			}
			this.quorum = quorum;
			return this;
		}

		public Builder parallelSyncs(int parallelSyncs) {
			this.parallelSyncs = parallelSyncs;
			return this;
		}

		public Builder downAfter(Duration downAfter) {
			this.downAfter = Objects.requireNonNull(downAfter);
			return this;
		}

		public Builder failoverTimeout(Duration failoverTimeout) {
			this.failoverTimeout = Objects.requireNonNull(failoverTimeout);
			return this;
		}

		/** {@code notify-keyspace-events} of the data nodes; {@code ""} turns notifications off. */
		public Builder notifyKeyspaceEvents(String flags) {
			this.dataNodes.notifyKeyspaceEvents(flags);
			return this;
		}

		/** A config directive for both data nodes (see {@link RedisServer.Builder#config(String, String...)}). */
		public Builder dataNodeConfig(String name, String... values) {
			this.dataNodes.config(name, values);
			return this;
		}

		/**
		 * An extra config line for every sentinel, after the generated {@code sentinel} lines
		 * (see {@link RedisServer.Builder#addConfig(String, String...)}), e.g.
		 * {@code sentinelConfig("sentinel", "announce-hostnames", "yes")}.
		 */
		public Builder sentinelConfig(String name, String... values) {
			this.sentinelConfig.add((builder) -> builder.addConfig(name, values));
			return this;
		}

		/** How long helpers wait for the setup to settle, e.g. after a failover. */
		public Builder timeout(Duration timeout) {
			this.timeout = Objects.requireNonNull(timeout);
			return this;
		}

		/**
		 * Starts the master and the replica, waits until the replica is in sync, then starts
		 * the sentinels and waits until they know the master, the replica and each other.
		 */
		public LocalSentinelSetup start() {
			LocalSentinelSetup setup = new LocalSentinelSetup(this);
			try {
				setup.dataNodes.start(1, this.timeout);
				List<Consumer<RedisServer.Builder>> extra = List.copyOf(this.sentinelConfig);
				setup.startSentinels(this.sentinels, this.quorum, this.parallelSyncs,
						(builder) -> extra.forEach((step) -> step.accept(builder)));
				setup.settle("the sentinels to discover the master, the replica and each other", null);
				return setup;
			}
			catch (RuntimeException ex) {
				setup.close();
				throw ex;
			}
		}

	}

}
