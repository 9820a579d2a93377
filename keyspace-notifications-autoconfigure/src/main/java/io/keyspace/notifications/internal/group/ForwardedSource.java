package io.keyspace.notifications.internal.group;

/**
 * A source as one forwarder sees it: whether this instance forwards it, and what it keeps of
 * it for a takeover. Guarded by its monitor (handler lanes and the forwarding thread), held for
 * memory only; the notes are the forwarding thread's own.
 */
final class ForwardedSource {

	final String tag;

	final String node;

	final ReplayBuffer replay;

	boolean leading;

	long forwardedUntil; // epoch ms; the forwarding thread's own

	long lastNote; // the last note seen in Redis or written to it; the forwarding thread's own

	long firstSeenHeld; // since when it is surely held (a lower bound), 0 if never seen held; the forwarding thread's own

	ForwardedSource(String tag, String node, int replayCapacity) {
		this.tag = tag;
		this.node = node;
		this.replay = new ReplayBuffer(replayCapacity);
	}

	synchronized boolean isLeading() {
		return this.leading;
	}

	synchronized void setLeading(boolean leading) {
		this.leading = leading;
	}

}
