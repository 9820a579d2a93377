package io.keyspace.notifications.archfixture.test;

import io.keyspace.notifications.archfixture.Facade;
import io.keyspace.notifications.archfixture.Value;

/** Violation: the test helper using a facade instead of the API. */
public final class RecorderUsingFacade {

	public Value next(Facade facade) {
		return facade.next();
	}

}
