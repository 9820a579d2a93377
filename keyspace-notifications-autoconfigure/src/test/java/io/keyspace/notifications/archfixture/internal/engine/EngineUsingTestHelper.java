package io.keyspace.notifications.archfixture.internal.engine;

import io.keyspace.notifications.archfixture.test.Recorder;

/** Violation: the engine using the user test helper. */
public final class EngineUsingTestHelper {

	public int seen(Recorder recorder) {
		return recorder.seen.size();
	}

}
