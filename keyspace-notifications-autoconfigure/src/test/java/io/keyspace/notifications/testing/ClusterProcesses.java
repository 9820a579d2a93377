package io.keyspace.notifications.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * The processes of one {@link LocalRedisCluster} and the plain commands that form it. Keeps
 * every server ever started, including killed ones, so a killed node can be restarted on its
 * port with its node id.
 */
final class ClusterProcesses implements AutoCloseable {

	private final Map<String, List<String>> config;

	// Copy-on-write: tests may read roles from other threads while a helper adds a node.
	private final List<RedisServer> servers = new CopyOnWriteArrayList<>();

	ClusterProcesses(Map<String, List<String>> config) {
		this.config = config;
	}

	/**
	 * Starts {@code primaryCount * (1 + replicasPerPrimary)} nodes, assigns slot ranges to the
	 * first {@code primaryCount}, joins everyone and attaches the replicas round-robin.
	 */
	void form(int primaryCount, int replicasPerPrimary, ClusterSettling settling) {
		int total = primaryCount * (1 + replicasPerPrimary);
		for (int i = 0; i < total; i++) {
			startNode();
		}
		for (int i = 0; i < total; i++) {
			try (Jedis jedis = this.servers.get(i).jedis()) {
				// Distinct epochs up front, as redis-cli does, so no collision-resolution rounds are needed.
				jedis.clusterSetConfigEpoch(i + 1);
				if (i < primaryCount) {
					// 3 primaries: 0-5460, 5461-10922, 10923-16383 (same split as redis-cli).
					int first = Math.round(ClusterView.SLOTS * (float) i / primaryCount);
					int last = Math.round(ClusterView.SLOTS * (float) (i + 1) / primaryCount) - 1;
					jedis.clusterAddSlotsRange(first, last);
				}
			}
		}
		for (int i = 1; i < total; i++) {
			meet(this.servers.get(0), this.servers.get(i));
		}
		// REPLICATE needs the replica to know its primary's id, i.e. the handshakes to be done.
		settling.awaitAllKnown();
		for (int i = primaryCount; i < total; i++) {
			String primaryId = idOf(this.servers.get((i - primaryCount) % primaryCount));
			try (Jedis jedis = this.servers.get(i).jedis()) {
				jedis.clusterReplicate(primaryId);
			}
		}
	}

	RedisServer startNode() {
		RedisServer.Builder builder = RedisServer.builder();
		this.config.forEach((name, values) -> builder.config(name, values.toArray(String[]::new)));
		RedisServer server = builder.build();
		this.servers.add(server);
		return server.start();
	}

	/** Introduces {@code newcomer} to the cluster {@code member} belongs to; gossip does the rest. */
	static void meet(RedisServer member, RedisServer newcomer) {
		try (Jedis jedis = member.jedis()) {
			// The explicit bus port is needed because nodes use cluster-port, not port + 10000.
			jedis.sendCommand(Protocol.Command.CLUSTER, "MEET", RedisServer.HOST, String.valueOf(newcomer.port()),
					String.valueOf(newcomer.busPort()));
		}
	}

	List<RedisServer> running() {
		return this.servers.stream().filter(RedisServer::isRunning).toList();
	}

	boolean isRunning(int port) {
		return this.servers.stream().anyMatch((server) -> server.port() == port && server.isRunning());
	}

	RedisServer serverAt(int port) {
		return this.servers.stream()
			.filter((server) -> server.port() == port)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No node of this cluster on port " + port));
	}

	static ClusterView view(RedisServer server) {
		try (Jedis jedis = server.jedis()) {
			return ClusterView.parse(server.hostAndPort(), jedis.clusterNodes());
		}
	}

	static String idOf(RedisServer server) {
		try (Jedis jedis = server.jedis()) {
			return jedis.clusterMyId();
		}
	}

	/** Kills every node and deletes their directories. */
	@Override
	public void close() {
		this.servers.forEach(RedisServer::close);
	}

}
