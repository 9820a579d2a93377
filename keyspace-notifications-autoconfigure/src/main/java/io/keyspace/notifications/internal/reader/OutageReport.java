package io.keyspace.notifications.internal.reader;

import java.net.SocketTimeoutException;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports one node connection's outages: a WARN when it is lost (once, however many
 * reconnect attempts follow, each only at DEBUG) and an INFO when it is back. The counts
 * also drive the reconnect backoff.
 */
final class OutageReport {

	private static final Logger logger = LoggerFactory.getLogger(NodeSubscriber.class);

	private static final String SERVER_CLOSED_HINT = " The server closed the connection: a restart, a CLIENT KILL, "
			+ "or a subscriber whose pub/sub output buffer passed client-output-buffer-limit (handlers slower than "
			+ "the write rate), in which case everything the server had buffered for us is lost too.";

	private final String nodeName;

	private final Duration maxBackoff;

	private int failedAttempts;

	OutageReport(String nodeName, Duration maxBackoff) {
		this.nodeName = nodeName;
		this.maxBackoff = maxBackoff;
	}

	/**
	 * Records a failure of the connection or of an attempt to (re)open it.
	 * @param wasConnected whether an open connection broke, rather than an attempt to open one
	 * @return {@code true} if it is the start of an outage
	 */
	boolean failed(Exception cause, boolean wasConnected) {
		this.failedAttempts++;
		if (this.failedAttempts == 1) {
			if (wasConnected) {
				logger.warn("Lost the keyspace subscriber connection to {} ({}); reconnecting with backoff up to {}. "
						+ "Notifications published while disconnected are lost.{}", this.nodeName, describe(cause),
						this.maxBackoff, closedByServer(cause) ? SERVER_CLOSED_HINT : "");
			}
			else {
				logger.warn("Cannot connect the keyspace subscriber to {} ({}); retrying with backoff up to {}",
						this.nodeName, describe(cause), this.maxBackoff);
			}
			return true;
		}
		logger.debug("Reconnect attempt {} to {} failed: {}", this.failedAttempts - 1, this.nodeName, describe(cause));
		return false;
	}

	/** Failures so far in the current outage; 0 while connected. */
	int failedAttempts() {
		return this.failedAttempts;
	}

	/** A connection is open again; says so if an outage is over. */
	void recovered(int channels, int patterns) {
		if (this.failedAttempts == 0) {
			return;
		}
		logger.info("Reconnected the keyspace subscriber to {} after {} failed attempt(s); resubscribed {} channel(s) "
				+ "and {} pattern(s)", this.nodeName, this.failedAttempts - 1, channels, patterns);
		this.failedAttempts = 0;
	}

	/**
	 * A live connection that fails other than by a read timeout (the health check's verdict)
	 * was closed or reset by the other side: end of stream, a reset, or a broken pipe seen by
	 * the writer.
	 */
	private static boolean closedByServer(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SocketTimeoutException) {
				return false;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return true;
	}

	private static String describe(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root == ex) ? String.valueOf(ex.getMessage()) : ex.getMessage() + ": " + root;
	}

}
