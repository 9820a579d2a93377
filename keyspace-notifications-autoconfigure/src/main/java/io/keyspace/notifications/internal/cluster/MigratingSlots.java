package io.keyspace.notifications.internal.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.keyspace.notifications.RedisNode;

/**
 * The slots one node is migrating, read from its {@code CLUSTER NODES}. A node shows only its
 * own migrations, on its {@code myself} line as {@code [slot->-targetId]}; other nodes'
 * lines never do, and {@code CLUSTER SHARDS} and {@code CLUSTER SLOTS} do not either. So each
 * slot owner has to be asked for its own.
 *
 * @param targets each migrating slot with the id of the node importing it
 * @param addresses the address of every node the reply lists, by id
 */
record MigratingSlots(Map<Integer, String> targets, Map<String, RedisNode> addresses) {

	private static final String MIGRATING = "->-";

	/**
	 * Parses lines of the form
	 * {@code <id> <ip:port@cport[,hostname]> <flags> <primary> <ping> <pong> <epoch> <link> <slot>...}.
	 */
	static MigratingSlots parse(String clusterNodes) {
		Map<Integer, String> targets = new HashMap<>();
		Map<String, RedisNode> addresses = new HashMap<>();
		for (String line : clusterNodes.split("\n")) {
			String[] fields = line.trim().split(" ");
			if (fields.length < 8) {
				continue;
			}
			address(fields[1]).ifPresent((node) -> addresses.put(fields[0], node));
			if (!(',' + fields[2] + ',').contains(",myself,")) {
				continue;
			}
			for (int i = 8; i < fields.length; i++) {
				int arrow = fields[i].indexOf(MIGRATING);
				if (fields[i].startsWith("[") && arrow > 0) {
					targets.put(Integer.parseInt(fields[i].substring(1, arrow)),
							fields[i].substring(arrow + MIGRATING.length(), fields[i].length() - 1));
				}
			}
		}
		return new MigratingSlots(Map.copyOf(targets), Map.copyOf(addresses));
	}

	/**
	 * Each migrating slot with its target's address: as the slot table named it (so the node
	 * is the same {@link RedisNode} as when it owns slots), else as this reply lists it.
	 */
	Map<Integer, RedisNode> resolve(SlotTable table) {
		Map<Integer, RedisNode> importing = new HashMap<>();
		this.targets.forEach((slot, id) -> table.node(id)
			.or(() -> Optional.ofNullable(this.addresses.get(id)))
			.ifPresent((node) -> importing.put(slot, node)));
		return importing;
	}

	/** {@code ip:port@cport[,hostname]}; a node whose address is not known yet shows {@code :0@0}. */
	private static Optional<RedisNode> address(String field) {
		String address = field.split("[@,]")[0];
		int colon = address.lastIndexOf(':');
		int port = Integer.parseInt(address.substring(colon + 1));
		return (colon <= 0 || port == 0) ? Optional.empty() : Optional.of(new RedisNode(address.substring(0, colon), port));
	}

}
