package io.statetree.autoconfigure.tx;

import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The database the transaction tests write rows to (shared by the tests of every package that
 * tries StateTree beside a real transaction): an H2 database in memory, its own per context
 * (a random name), holding an empty {@code orders} table with an {@code id varchar(20)} primary
 * key; a {@link JdbcTemplate}, a {@link DataSourceTransactionManager} and a
 * {@link TransactionTemplate} on it.
 */
@Configuration(proxyBeanMethods = false)
public class H2OrdersDatabase {

	@Bean
	DataSource dataSource() {
		DriverManagerDataSource dataSource = new DriverManagerDataSource(
				"jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
		new JdbcTemplate(dataSource).execute("create table orders (id varchar(20) primary key)");
		return dataSource;
	}

	@Bean
	JdbcTemplate jdbcTemplate(DataSource dataSource) {
		return new JdbcTemplate(dataSource);
	}

	@Bean
	DataSourceTransactionManager transactionManager(DataSource dataSource) {
		return new DataSourceTransactionManager(dataSource);
	}

	@Bean
	TransactionTemplate transactionTemplate(PlatformTransactionManager manager) {
		return new TransactionTemplate(manager);
	}

}
