package io.keyspace.notifications;

/**
 * A read-only view of what happened to the messages read from Redis, from the socket to the
 * handlers. Counts only grow, except {@link #inFlight()} and {@link #queued()}.
 * <p>
 * Every message read on a subscribed channel or pattern is {@linkplain #received() received}
 * and then has exactly one outcome, so at any quiet moment (and after {@code close()}):
 * <pre>
 * received = delivered + filtered + malformed + dropped + inFlight
 * </pre>
 * While notifications move the counters are read one after the other, so a sum taken then can be
 * off by the few that moved in between. After {@code close()} returns, {@link #inFlight()} is 0.
 * <p>
 * A message on a channel that has handlers <em>and</em> is subscribed in pull mode goes two ways
 * and is counted once for each: once for its handlers, once for the pull queue.
 */
public interface NotificationMetrics {

	/**
	 * Messages read from Redis on a subscribed channel or pattern. A message for handlers is
	 * counted when the reader hands its burst to the handler lanes (as soon as nothing more is
	 * buffered on the connection), any other when its outcome is known, right after reading.
	 * The {@code resync} notifications of resync passes count here too, when they are queued
	 * (also in {@link #resync()}), so that every count below still adds up.
	 * @return the count
	 */
	long received();

	/**
	 * Notifications handed to all the handlers that wanted them, whether a handler threw or not
	 * (see {@link #handlerErrors()}); in pull mode, put in the pull queue.
	 * @return the count
	 */
	long delivered();

	/**
	 * Valid notifications nobody wanted, skipped on the reader thread before queueing: a key outside
	 * the key prefix, or a key or event that no handler's {@link KeyNotificationFilter} accepts.
	 * @return the count
	 */
	long filtered();

	/**
	 * Messages whose channel or payload was not a valid notification (skipped).
	 * @return the count
	 */
	long malformed();

	/**
	 * Notifications dropped for any {@link DropReason}.
	 * @return the sum over all reasons
	 */
	long dropped();

	/**
	 * Notifications dropped for one reason.
	 * @param reason the reason
	 * @return the count
	 */
	long dropped(DropReason reason);

	/**
	 * Notifications received and not yet delivered or dropped: waiting in a handler lane, taken by
	 * a handler thread, or being handled. 0 after {@code close()} returns.
	 * @return the current number
	 */
	long inFlight();

	/**
	 * Notifications waiting in the handler lanes right now.
	 * @return the current queue depth
	 */
	int queued();

	/**
	 * Handler calls that threw. Counted on their own: the notification still counts as delivered.
	 * @return the count
	 */
	long handlerErrors();

	/**
	 * Node connections lost (each outage once, however many reconnect attempts it took).
	 * @return the count
	 */
	long disconnects();

	/**
	 * The resync passes' counts; {@link ResyncMetrics#NONE} where nothing is resynced.
	 * @return a live view
	 */
	default ResyncMetrics resync() {
		return ResyncMetrics.NONE;
	}

}
