package io.keyspace.notifications.autoconfigure;

import io.keyspace.notifications.NodeConnectionException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains at startup that the Redis server for keyspace notifications cannot be reached. */
class NodeConnectionFailureAnalyzer extends AbstractFailureAnalyzer<NodeConnectionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NodeConnectionException cause) {
		return new FailureAnalysis(
				"Keyspace notifications cannot subscribe on Redis at " + cause.node() + ": " + cause.problem(),
				cause.fix() + "; or set keyspace-notifications.enabled=false.", cause);
	}

}
