package io.keyspace.notifications;

/**
 * Brackets the resync passes of a handler subscribed with
 * {@link KeyspaceNotifications#subscribeResynced}, so that a view kept by the handler can drop
 * what no longer exists: mark the keys the pass {@linkplain ResyncPass#covers covers} on
 * {@link #started}, mark a key seen on every notification the handler gets (live or
 * {@link EventType#RESYNC}), and drop the covered keys not seen on {@link #completed}.
 * <p>
 * Called on the library's resync thread, one pass at a time, never on a reader thread;
 * {@code completed} runs after every notification of the pass was handled. The pattern holds
 * because a key's resync notification is skipped only for a live notification handled after
 * {@code started} returned: every key that exists gets a call after {@code started}, live or
 * resync, before {@code completed}.
 */
public interface ResyncListener {

	/** Does nothing: a handler that only needs the resync notifications. */
	ResyncListener NONE = new ResyncListener() {
	};

	/** Before the first resync notification of the pass. */
	default void started(ResyncPass pass) {
	}

	/** After the last resync notification of the pass was handled. */
	default void completed(ResyncPass pass) {
	}

}
