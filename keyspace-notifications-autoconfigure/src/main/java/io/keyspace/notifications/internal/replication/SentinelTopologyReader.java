package io.keyspace.notifications.internal.replication;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.KeyspaceNotificationsException;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.internal.cluster.ClusterTopology;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

/**
 * Asks the sentinels for a master and its replicas: {@code SENTINEL GET-MASTER-ADDR-BY-NAME}
 * and {@code SENTINEL REPLICAS}. Any sentinel that answers will do; the one that answered
 * last is asked first. A replica the sentinel considers down ({@code s_down}, {@code o_down})
 * is left out. Kept are a replica whose link to the master is down (while the master is down
 * that is every replica, and the one about to be promoted must stand in for it) and one the
 * sentinel is {@code disconnected} from for a moment (a promotion kills every client of the
 * promoted replica, the other sentinels' links included).
 * <p>
 * Threading: refreshes call it on the scheduler thread, and first subscriptions made at the
 * same time may call it at once on their own threads; {@code preferred} is volatile, and an
 * update lost in such a race only changes which sentinel is asked first.
 */
public final class SentinelTopologyReader {

	private final String masterName;

	private final List<RedisNode> sentinels;

	private final JedisClientConfig config;

	private volatile int preferred;

	/**
	 * @param sentinelSettings how to connect to the sentinels (their own user and password)
	 */
	public SentinelTopologyReader(String masterName, List<RedisNode> sentinels, ConnectionSettings sentinelSettings) {
		this.masterName = masterName;
		this.sentinels = List.copyOf(sentinels);
		this.config = sentinelSettings.jedisConfig(sentinelSettings.commandTimeout());
	}

	/**
	 * @return the master with its healthy replicas, as one shard
	 * @throws KeyspaceNotificationsException naming every sentinel asked, when none knew the master
	 */
	public ClusterTopology read() {
		List<String> failures = new ArrayList<>();
		for (int i = 0; i < this.sentinels.size(); i++) {
			int index = (this.preferred + i) % this.sentinels.size();
			RedisNode sentinel = this.sentinels.get(index);
			try (Jedis jedis = new Jedis(new HostAndPort(sentinel.host(), sentinel.port()), this.config)) {
				List<String> address = jedis.sentinelGetMasterAddrByName(this.masterName);
				if (address == null || address.size() != 2) {
					failures.add(sentinel + " (does not monitor a master named '" + this.masterName + "')");
					continue;
				}
				RedisNode master = new RedisNode(address.get(0), Integer.parseInt(address.get(1)));
				Set<RedisNode> replicas = healthyReplicas(jedis.sentinelReplicas(this.masterName));
				this.preferred = index;
				return ClusterTopology.singleShard(master, replicas);
			}
			catch (RuntimeException ex) {
				failures.add(sentinel + " (" + ex.getMessage() + ")");
			}
		}
		throw new KeyspaceNotificationsException("Cannot find the Redis master '" + this.masterName
				+ "' through any sentinel: " + failures + ". Check spring.data.redis.sentinel.master and "
				+ "spring.data.redis.sentinel.nodes, and that the sentinels are running.");
	}

	static Set<RedisNode> healthyReplicas(List<Map<String, String>> replicas) {
		Set<RedisNode> healthy = new LinkedHashSet<>();
		for (Map<String, String> replica : replicas) {
			String flags = replica.getOrDefault("flags", "");
			boolean down = flags.contains("s_down") || flags.contains("o_down");
			if (!down) {
				healthy.add(new RedisNode(replica.get("ip"), Integer.parseInt(replica.get("port"))));
			}
		}
		return healthy;
	}

}
