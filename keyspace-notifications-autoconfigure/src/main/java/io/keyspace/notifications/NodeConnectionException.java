package io.keyspace.notifications;


/**
 * A Redis node could not be reached, rejected the login, or did not answer in time. The
 * message names the node so that a wrong host, port or password is easy to spot.
 */
public class NodeConnectionException extends KeyspaceNotificationsException {

	private static final String CHECK_SETTINGS = "Check that the server is running and that host, port, username, "
			+ "password and TLS (spring.data.redis.*) match it";

	private final RedisNode node;

	private final String problem;

	private final String fix;

	public NodeConnectionException(RedisNode node, Throwable cause) {
		this(node, String.valueOf(cause.getMessage()), CHECK_SETTINGS, cause);
	}

	/** The node answered, but refused: {@code problem} says what, {@code fix} how to mend it. */
	public NodeConnectionException(RedisNode node, String problem, String fix) {
		this(node, problem, fix, null);
	}

	private NodeConnectionException(RedisNode node, String problem, String fix, Throwable cause) {
		super("Cannot subscribe to keyspace notifications on Redis at " + node + ": " + sentence(problem) + " " + fix
				+ ".", cause);
		this.node = node;
		this.problem = sentence(problem);
		this.fix = fix;
	}

	/**
	 * Whether the node answered and refused (e.g. a subscription an ACL does not allow), rather
	 * than being unreachable, slow or refusing the login: retrying will not help.
	 */
	public boolean refusedByServer() {
		return getCause() == null;
	}

	public RedisNode node() {
		return this.node;
	}

	/** What went wrong, as one sentence. */
	public String problem() {
		return this.problem;
	}

	/** How to mend it. */
	public String fix() {
		return this.fix;
	}

	private static String sentence(String text) {
		String trimmed = text.strip();
		while (trimmed.endsWith(".")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		return trimmed + ".";
	}

}
