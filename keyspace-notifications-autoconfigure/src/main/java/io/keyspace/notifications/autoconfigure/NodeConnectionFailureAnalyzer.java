package io.keyspace.notifications.autoconfigure;

import io.keyspace.notifications.reader.NodeConnectionException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains at startup that the Redis server for keyspace notifications cannot be reached. */
class NodeConnectionFailureAnalyzer extends AbstractFailureAnalyzer<NodeConnectionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NodeConnectionException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Check that Redis runs at " + cause.node() + " and that spring.data.redis.host, port, username, "
						+ "password and ssl match it; or set keyspace-notifications.enabled=false.",
				cause);
	}

}
