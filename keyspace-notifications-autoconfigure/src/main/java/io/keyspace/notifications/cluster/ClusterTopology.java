package io.keyspace.notifications.cluster;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import io.keyspace.notifications.reader.RedisNode;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Which primary owns which hash slot. Primaries are derived from slot ownership, never from
 * a cached node list: after a failover a client's node list can still name the old
 * primary, but the slot table cannot.
 */
public final class ClusterTopology {

	public static final int SLOTS = 16384;

	private final RedisNode[] owners;

	private final Set<RedisNode> primaries;

	ClusterTopology(RedisNode[] owners) {
		this.owners = owners.clone();
		Set<RedisNode> found = new LinkedHashSet<>();
		for (RedisNode owner : owners) {
			if (owner != null) {
				found.add(owner);
			}
		}
		this.primaries = Collections.unmodifiableSet(found);
	}

	/** The nodes that own at least one slot. */
	public Set<RedisNode> primaries() {
		return this.primaries;
	}

	/** The primary that owns a key's slot (hash tags respected), if the slot is assigned. */
	public Optional<RedisNode> ownerOf(byte[] key) {
		return Optional.ofNullable(this.owners[JedisClusterCRC16.getSlot(key)]);
	}

	public boolean sameAs(ClusterTopology other) {
		return other != null && Arrays.equals(this.owners, other.owners);
	}

	@Override
	public String toString() {
		return "primaries " + this.primaries;
	}

}
