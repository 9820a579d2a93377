package io.keyspace.notifications.archfixture.listener;

import io.keyspace.notifications.archfixture.Facade;
import io.keyspace.notifications.archfixture.Value;

/** The Spring layer: uses a facade and the API. */
public final class Container {

	private final Facade facade = new Facade();

	public Value next() {
		return facade.next();
	}

}
