package io.keyspace.notifications.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One node's view of the cluster, parsed from {@code CLUSTER NODES}. Settling is judged by
 * comparing these views across nodes, because each node learns topology changes by gossip at
 * its own pace.
 */
final class ClusterView {

	static final int SLOTS = 16384;

	private final String reporter;

	private final List<Entry> entries;

	private final String[] owners = new String[SLOTS];

	private final boolean slotsInTransition;

	private ClusterView(String reporter, List<Entry> entries, boolean slotsInTransition) {
		this.reporter = reporter;
		this.entries = entries;
		this.slotsInTransition = slotsInTransition;
		for (Entry entry : entries) {
			for (int[] range : entry.slots()) {
				for (int slot = range[0]; slot <= range[1]; slot++) {
					this.owners[slot] = entry.id();
				}
			}
		}
	}

	/**
	 * Parses lines of the form
	 * {@code <id> <ip:port@cport[,hostname]> <flags> <master> <ping> <pong> <epoch> <link> <slot>...}.
	 */
	static ClusterView parse(String reporter, String clusterNodes) {
		List<Entry> entries = new ArrayList<>();
		boolean inTransition = false;
		for (String line : clusterNodes.split("\n")) {
			String[] fields = line.trim().split(" ");
			if (fields.length < 8) {
				continue;
			}
			String address = fields[1].split("[@,]")[0];
			int colon = address.lastIndexOf(':');
			String host = address.substring(0, colon);
			int port = Integer.parseInt(address.substring(colon + 1));
			List<int[]> slots = new ArrayList<>();
			for (int i = 8; i < fields.length; i++) {
				// "[slot->-id]" / "[slot-<-id]": a migration in progress, listed on the myself line only.
				if (fields[i].startsWith("[")) {
					inTransition = true;
					continue;
				}
				String[] bounds = fields[i].split("-");
				int first = Integer.parseInt(bounds[0]);
				slots.add(new int[] { first, (bounds.length > 1) ? Integer.parseInt(bounds[1]) : first });
			}
			entries.add(new Entry(fields[0], host, port, Set.of(fields[2].split(",")), fields[3],
					"connected".equals(fields[7]), slots));
		}
		return new ClusterView(reporter, List.copyOf(entries), inTransition);
	}

	String reporter() {
		return this.reporter;
	}

	List<Entry> entries() {
		return this.entries;
	}

	boolean slotsInTransition() {
		return this.slotsInTransition;
	}

	Entry myself() {
		return this.entries.stream()
			.filter((entry) -> entry.flags().contains("myself"))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(this.reporter + ": no 'myself' in CLUSTER NODES"));
	}

	Optional<Entry> byId(String id) {
		return this.entries.stream().filter((entry) -> entry.id().equals(id)).findFirst();
	}

	Optional<Entry> byPort(int port) {
		return this.entries.stream().filter((entry) -> entry.port() == port).findFirst();
	}

	/** The id of the node owning {@code slot}, or {@code null} if unassigned. */
	String ownerOf(int slot) {
		return this.owners[slot];
	}

	/** The distinct slot owners; contains {@code null} if any slot is unassigned. */
	Set<String> slotOwners() {
		Set<String> owners = new HashSet<>();
		Collections.addAll(owners, this.owners);
		return owners;
	}

	/** Whether {@code id} owns every slot of {@code first..last}. */
	boolean owns(String id, int first, int last) {
		for (int slot = first; slot <= last; slot++) {
			if (!id.equals(this.owners[slot])) {
				return false;
			}
		}
		return true;
	}

	/** Slots owned by {@code id}, as inclusive {first, last} ranges. */
	List<int[]> slotsOf(String id) {
		List<int[]> ranges = new ArrayList<>();
		for (int slot = 0; slot < SLOTS; slot++) {
			if (id.equals(this.owners[slot])) {
				if (!ranges.isEmpty() && ranges.get(ranges.size() - 1)[1] == slot - 1) {
					ranges.get(ranges.size() - 1)[1] = slot;
				}
				else {
					ranges.add(new int[] { slot, slot });
				}
			}
		}
		return ranges;
	}

	/**
	 * Roles, primaries and slots of the nodes on {@code ports}, in a form that is equal
	 * across views exactly when those views agree on the topology.
	 */
	String describe(Collection<Integer> ports) {
		return ports.stream().sorted().map((port) -> byPort(port).map((entry) -> {
			String role = entry.isPrimary() ? "primary" : "replica of " + byId(entry.masterId())
				.map((master) -> String.valueOf(master.port()))
				.orElse(entry.masterId());
			return port + " " + role + " " + slotsOf(entry.id()).stream()
				.map((range) -> (range[0] == range[1]) ? "" + range[0] : range[0] + "-" + range[1])
				.collect(Collectors.joining(","));
		}).orElse(port + " unknown")).collect(Collectors.joining("; "));
	}

	@Override
	public String toString() {
		return this.reporter + " sees " + this.entries.stream().map(Entry::toString).collect(Collectors.joining("; "));
	}

	/** One line of {@code CLUSTER NODES}. */
	record Entry(String id, String host, int port, Set<String> flags, String masterId, boolean connected,
			List<int[]> slots) {

		boolean isPrimary() {
			return this.flags.contains("master");
		}

		boolean isMyself() {
			return this.flags.contains("myself");
		}

		/** Failing, suspected, or not yet fully joined. */
		boolean isUnhealthy() {
			return this.flags.contains("fail") || this.flags.contains("fail?") || this.flags.contains("handshake")
					|| this.flags.contains("noaddr");
		}

		@Override
		public String toString() {
			return this.port + "[" + String.join(",", this.flags) + (this.connected ? "" : ",disconnected") + "]"
					+ this.slots.stream().map(Arrays::toString).collect(Collectors.joining());
		}

	}

}
