package io.keyspace.notifications.testing;

import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Polls a check that says what is still wrong until it says nothing. On timeout the last
 * problem goes into the message, followed by the log tails of the servers involved: a
 * replication or Sentinel setup that does not settle is nearly always explained there.
 */
final class Polling {

	private static final int LOG_LINES = 15;

	private Polling() {
	}

	/**
	 * Waits until {@code problem} returns {@code null}. An exception thrown by the check
	 * counts as the current problem (a restarting node refuses connections), not as a failure.
	 */
	static void untilNoProblem(String what, Duration timeout, Collection<RedisServer> servers, Supplier<String> problem) {
		String[] last = { "not checked yet" };
		try {
			Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).until(() -> {
				last[0] = check(problem);
				return last[0] == null;
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new ConditionTimeoutException("Timed out after " + timeout + " waiting for " + what + ". Last problem: "
					+ last[0] + logTails(servers), ex);
		}
	}

	static String logTails(Collection<RedisServer> servers) {
		StringBuilder text = new StringBuilder();
		for (RedisServer server : servers) {
			text.append("\n--- ")
				.append(server)
				.append(server.isRunning() ? "" : " [not running]")
				.append(", last ")
				.append(LOG_LINES)
				.append(" log lines ---\n")
				.append(server.logTail(LOG_LINES));
		}
		return text.toString();
	}

	private static String check(Supplier<String> problem) {
		try {
			return problem.get();
		}
		catch (RuntimeException ex) {
			return ex.getClass().getSimpleName() + ": " + ex.getMessage();
		}
	}

}
