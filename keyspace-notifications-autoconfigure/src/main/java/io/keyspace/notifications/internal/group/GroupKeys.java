package io.keyspace.notifications.internal.group;

/**
 * The keys of one group. A source (a cluster shard, or the one master of any other setup) has
 * its stream, lease and note under one hash tag, so they share a slot (each script touches two
 * of them) and, with a tag chosen for the shard, live on the node whose events they carry.
 */
public record GroupKeys(String prefix, String group) {

	/** The set of every stream of the group, which consumers read to find them. */
	public String registry() {
		return this.prefix + this.group + ":streams";
	}

	/** Entries that failed too often, with where they came from. */
	public String deadLetter() {
		return this.prefix + this.group + ":dead";
	}

	public String stream(String tag) {
		return this.prefix + this.group + ":{" + tag + "}";
	}

	/** Who forwards the source now: the holder's name, expiring unless renewed. */
	public String lease(String tag) {
		return stream(tag) + ":lease";
	}

	/** Until when (epoch ms) the source was surely forwarded: written at each renewal. */
	public String forwardedUntil(String tag) {
		return stream(tag) + ":forwarded";
	}

}
