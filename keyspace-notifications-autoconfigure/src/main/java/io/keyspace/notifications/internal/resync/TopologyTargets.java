package io.keyspace.notifications.internal.resync;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.internal.cluster.ClusterTopology;

/**
 * Where the keys of a sharded setup are: each primary of the topology read last owns its
 * slots. A gap's node may be gone by the time its gap is reported (a primary killed and
 * replaced), so the slots each primary owned when last seen are remembered: the shard to scan
 * again is whoever owns those slots now. A replica's gap (a standby, a stand-in) is its
 * primary's shard. Sentinel and master/replica setups are one shard that owns every key.
 * <p>
 * Threading: {@link #remember} is called by the topology's owner, the rest by the resync
 * and gap threads; all of it under this object's monitor, memory only.
 */
public final class TopologyTargets implements Resyncer.Targets {

	private final boolean oneShard;

	private final Map<RedisNode, BitSet> lastOwned = new HashMap<>(); // guarded by this

	private ClusterTopology topology; // guarded by this

	/** @param oneShard a Sentinel or master/replica setup: its primary owns every key */
	public TopologyTargets(boolean oneShard) {
		this.oneShard = oneShard;
	}

	/** A topology was read and is now the one routed by. */
	public synchronized void remember(ClusterTopology topology) {
		if (topology.sameAs(this.topology)) {
			this.topology = topology;
			return;
		}
		this.topology = topology;
		topology.primaries().forEach((primary) -> this.lastOwned.put(primary, topology.slotsOf(primary)));
	}

	@Override
	public synchronized List<ResyncTarget> all() {
		return (this.topology != null) ? targets(this.topology.primaries()) : List.of();
	}

	@Override
	public synchronized List<ResyncTarget> afterGapOn(String node) {
		if (this.topology == null) {
			return List.of();
		}
		RedisNode lost = RedisNode.parse(node);
		BitSet slots = this.topology.primaryOf(lost).map(this.topology::slotsOf).orElse(this.lastOwned.get(lost));
		if (slots == null || slots.isEmpty()) {
			return all(); // a node never seen owning keys: every shard, to be safe
		}
		Set<RedisNode> owners = new LinkedHashSet<>();
		slots.stream().forEach((slot) -> this.topology.ownerOfSlot(slot).ifPresent(owners::add));
		return targets(owners);
	}

	private List<ResyncTarget> targets(Set<RedisNode> primaries) {
		List<ResyncTarget> targets = new ArrayList<>();
		for (RedisNode primary : primaries) {
			targets.add(this.oneShard ? ResyncTarget.wholeNode(primary)
					: new ResyncTarget(primary, this.topology.slotsOf(primary)));
		}
		return targets;
	}

}
