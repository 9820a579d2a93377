package io.keyspace.notifications.internal.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.KeyspaceNotificationsException;
import io.keyspace.notifications.RedisNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Reads the slot table with {@code CLUSTER SHARDS} (or {@code CLUSTER SLOTS} where the server
 * refuses it), preferring a node that reports {@code cluster_state:ok}, and asks each slot
 * owner which slots it is migrating.
 * <p>
 * Not every answer can be trusted: a primary restarted after its replica took over comes
 * back still claiming its old slots (it reports {@code cluster_state:fail} for its first
 * seconds, until gossip demotes it), and a node that is not part of a formed cluster
 * answers with no slots at all. Following either would close the subscriptions on the real
 * primaries, so an empty table is skipped and a table from a node in {@code fail} state is
 * used only when no node reports {@code ok} (which is the case for the whole cluster while a
 * dead primary is not yet replaced).
 * <p>
 * Migrations are visible only on the migrating node itself ({@link MigratingSlots}), so a read
 * sends {@code CLUSTER NODES} to every primary: on the connection that read the table for the
 * node that answered, on a short-lived one for the others.
 */
public final class ClusterTopologyReader {

	private static final Logger logger = LoggerFactory.getLogger(ClusterTopologyReader.class);

	private final JedisClientConfig config;

	private final AtomicBoolean migrationsRefusedLogged = new AtomicBoolean();

	public ClusterTopologyReader(ConnectionSettings settings) {
		this.config = settings.jedisConfig(settings.commandTimeout());
	}

	/**
	 * @param candidates nodes to ask, in order (known primaries first, then the seeds)
	 * @return a topology with at least one primary
	 * @throws KeyspaceNotificationsException naming every node tried if none gave a usable answer
	 */
	public ClusterTopology read(Collection<RedisNode> candidates) {
		List<String> failures = new ArrayList<>();
		Set<RedisNode> unreachable = new HashSet<>();
		SlotTable fallback = null;
		for (RedisNode node : candidates) {
			try (Jedis jedis = connect(node)) {
				SlotTable table = slotTable(jedis, node);
				if (table.topology().primaries().isEmpty()) {
					failures.add(node + " (no slot is assigned)");
				}
				else if (jedis.clusterInfo().contains("cluster_state:ok")) {
					return withMigrations(table, jedis, node, unreachable);
				}
				else if (fallback == null) {
					fallback = table;
				}
			}
			catch (RuntimeException ex) {
				failures.add(node + " (" + ex.getMessage() + ")");
				unreachable.add(node);
			}
		}
		if (fallback != null) {
			return withMigrations(fallback, null, null, unreachable);
		}
		throw new KeyspaceNotificationsException("Cannot read the Redis Cluster topology from any of " + failures
				+ ". Check spring.data.redis.cluster.nodes and that the nodes are running.");
	}

	/**
	 * {@code CLUSTER SLOTS} is deprecated since Redis 7.0, but older servers know only it, and
	 * an ACL may allow only it: any error reply to {@code CLUSTER SHARDS} falls back.
	 */
	private SlotTable slotTable(Jedis jedis, RedisNode node) {
		try {
			return SlotTable.fromShards(jedis.clusterShards(), node, this.config.isSsl());
		}
		catch (JedisDataException ex) {
			return SlotTable.fromSlots(jedis.clusterSlots(), node);
		}
	}

	/**
	 * The table's topology with the slots each primary reports migrating. A primary that
	 * cannot tell is taken as migrating nothing: its exact-key channels then move at the
	 * refresh after the move, as without this.
	 * @param answered the connection that read the table, reused for its node; null if closed
	 */
	private ClusterTopology withMigrations(SlotTable table, Jedis answered, RedisNode answeredNode,
			Set<RedisNode> unreachable) {
		ClusterTopology topology = table.topology();
		Map<Integer, RedisNode> importing = new HashMap<>();
		for (RedisNode primary : topology.primaries()) {
			if (unreachable.contains(primary)) {
				continue;
			}
			try {
				String nodes;
				if (primary.equals(answeredNode)) {
					nodes = answered.clusterNodes();
				}
				else {
					try (Jedis jedis = connect(primary)) {
						nodes = jedis.clusterNodes();
					}
				}
				importing.putAll(MigratingSlots.parse(nodes).resolve(table));
			}
			catch (JedisDataException ex) {
				if (this.migrationsRefusedLogged.compareAndSet(false, true)) {
					logger.warn("Cannot read slot migrations from {} ({}): an exact-key channel moves to the new owner "
							+ "only after its slot has moved. Allow 'cluster|nodes' to this user.", primary,
							ex.getMessage());
				}
			}
			catch (RuntimeException ex) {
				logger.debug("Cannot read slot migrations from {}", primary, ex);
			}
		}
		return topology.withImporting(importing);
	}

	private Jedis connect(RedisNode node) {
		return new Jedis(new HostAndPort(node.host(), node.port()), this.config);
	}

}
