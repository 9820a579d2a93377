package io.keyspace.notifications;

/**
 * What the library does about the server's {@code notify-keyspace-events} setting, which
 * decides whether Redis publishes the notifications subscribed here at all. It is off by
 * default on a new server and a restart forgets a {@code CONFIG SET}, which makes "I get no
 * events" the most common problem with keyspace notifications.
 * <p>
 * The flags needed are computed from the subscribed channels and their handlers' event
 * filters. Each node is checked when its subscriber connection opens (first subscription,
 * every reconnect, every new cluster node), when a new subscription needs more flags, and
 * again every {@link NotificationOptions#serverConfigCheckInterval()} (30 s by default), so
 * flags removed under a running subscriber are noticed. What a check finds missing is in
 * {@link NodeStatus#missingFlags()} until a check finds it fixed.
 * A server that refuses {@code CONFIG} (an ACL user without {@code +config}, a renamed
 * command, a managed Redis) is reported once per node at INFO and not polled; it never fails a
 * subscription.
 */
public enum ServerConfigMode {

	/**
	 * {@code CONFIG GET notify-keyspace-events}; when flags are missing, one WARN per node
	 * and change, naming the node, the missing flags, the channels affected and the
	 * {@code CONFIG SET} that fixes it; one INFO when a later check finds them there again.
	 */
	VERIFY,

	/**
	 * {@code CONFIG GET}, then {@code CONFIG SET} of the current value plus the missing flags:
	 * flags set by others are never removed. Logged at INFO; at WARN when a periodic check
	 * finds flags gone that were there before (someone changed the setting).
	 */
	APPLY,

	/** Leaves the server's configuration alone: no {@code CONFIG} command is sent. */
	NONE

}
