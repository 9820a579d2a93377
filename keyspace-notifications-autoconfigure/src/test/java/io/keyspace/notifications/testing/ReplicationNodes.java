package io.keyspace.notifications.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import redis.clients.jedis.Jedis;

/**
 * The data nodes of a {@link LocalMasterReplica} or a {@link LocalSentinelSetup}: a master
 * and its replicas. Roles are read from the nodes ({@code INFO replication}), never
 * remembered, because promotions and failovers swap them. Every node keeps its rewritten
 * config ({@link RedisServer.Builder#keepRewrittenConfig()}), so a node restarts in the role
 * it last had, as a real one does.
 */
final class ReplicationNodes implements AutoCloseable {

	private final Consumer<RedisServer.Builder> config;

	// Copy-on-write: tests may read roles from other threads while a helper restarts a node.
	private final List<RedisServer> servers = new CopyOnWriteArrayList<>();

	ReplicationNodes(Consumer<RedisServer.Builder> config) {
		this.config = config;
	}

	/** Starts a master, then {@code replicas} replicas of it, and waits until they are in sync. */
	void start(int replicas, Duration timeout) {
		RedisServer master = startNode(null);
		for (int i = 0; i < replicas; i++) {
			startNode(master);
		}
		awaitMaster(master, "the replicas to sync with " + master.hostAndPort(), timeout);
	}

	/** Every data node in start order (the first one started as master), also stopped ones. */
	List<RedisServer> all() {
		return List.copyOf(this.servers);
	}

	List<RedisServer> running() {
		return this.servers.stream().filter(RedisServer::isRunning).toList();
	}

	/** The node on {@code port}, or {@code null} if it is not one of these. */
	RedisServer at(int port) {
		return this.servers.stream().filter((server) -> server.port() == port).findFirst().orElse(null);
	}

	/**
	 * Waits until {@code master} runs with role master and every other running node is its
	 * replica with the link up.
	 */
	void awaitMaster(RedisServer master, String what, Duration timeout) {
		Polling.untilNoProblem(what, timeout, this.servers, () -> problemWithMaster(master));
	}

	/** What keeps {@code master} from being the in-sync master of all running nodes, or {@code null}. */
	String problemWithMaster(RedisServer master) {
		if (!master.isRunning()) {
			return master.hostAndPort() + " is not running";
		}
		Replication own = Replication.of(master);
		if (!own.isMaster()) {
			return master.hostAndPort() + " has role " + own.role() + ", not master";
		}
		for (RedisServer node : running()) {
			if (node != master) {
				Replication replication = Replication.of(node);
				if (replication.isMaster() || replication.masterPort() != master.port()) {
					return node.hostAndPort() + " is not a replica of " + master.hostAndPort() + " (" + replication + ")";
				}
				if (!replication.linkUp()) {
					return "replica " + node.hostAndPort() + " is not in sync with " + master.hostAndPort();
				}
			}
		}
		return null;
	}

	/** The single running node that reports role master; fails if there is none or more than one. */
	RedisServer currentMaster() {
		List<RedisServer> masters = running().stream().filter((node) -> Replication.of(node).isMaster()).toList();
		if (masters.size() != 1) {
			throw new IllegalStateException("Expected one running master but found " + masters.stream()
				.map(RedisServer::hostAndPort)
				.toList());
		}
		return masters.get(0);
	}

	/** Kills every node and deletes their directories. */
	@Override
	public void close() {
		this.servers.forEach(RedisServer::close);
	}

	private RedisServer startNode(RedisServer master) {
		RedisServer.Builder builder = RedisServer.builder().keepRewrittenConfig();
		this.config.accept(builder);
		if (master != null) {
			builder.replicaOf(master);
		}
		RedisServer server = builder.build();
		this.servers.add(server);
		return server.start();
	}

	/**
	 * The parts of {@code INFO replication} the helpers need.
	 *
	 * @param role {@code master} or {@code slave}
	 * @param masterPort the port a replica replicates from, 0 for a master
	 * @param linkUp whether a replica's link to its master is up ({@code master_link_status:up})
	 */
	record Replication(String role, int masterPort, boolean linkUp) {

		static Replication of(RedisServer server) {
			try (Jedis jedis = server.jedis()) {
				return parse(jedis.info("replication"));
			}
		}

		static Replication parse(String info) {
			String role = "?";
			int masterPort = 0;
			boolean linkUp = false;
			for (String line : info.split("\r?\n")) {
				int colon = line.indexOf(':');
				if (colon < 0) {
					continue;
				}
				String value = line.substring(colon + 1).trim();
				switch (line.substring(0, colon)) {
					case "role" -> role = value;
					case "master_port" -> masterPort = Integer.parseInt(value);
					case "master_link_status" -> linkUp = value.equals("up");
					default -> {
					}
				}
			}
			return new Replication(role, masterPort, linkUp);
		}

		boolean isMaster() {
			return "master".equals(this.role);
		}

	}

}
