package io.statetree.core;

import java.util.ArrayList;
import java.util.List;

import io.statetree.core.backend.StateBackend;

/** {@link AbstractEqualWritesProperties} on memory, files (JSON, YAML), hybrid and caching. */
class EqualWritesPropertiesTest extends AbstractEqualWritesProperties {

	@Override
	protected List<Opener> newStores() {
		List<Opener> stores = new ArrayList<>();
		for (AbstractValueRulesProperties.Store store : new ValueRulesPropertiesTest().newStores()) {
			stores.add(new Opener() {

				@Override
				public StateBackend open() {
					return store.open();
				}

				@Override
				public boolean persistent() {
					return store.persistent();
				}

				@Override
				public void close() {
					store.close();
				}

				@Override
				public String toString() {
					return store.toString();
				}

			});
		}
		return stores;
	}

}
