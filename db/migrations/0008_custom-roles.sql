-- Custom roles are data that system admins manage through the app (roles.create/update/delete): the app
-- may insert and delete roles and change a role's name, delegable flag and permissions. Which
-- permissions a role may carry, and that built-in roles keep theirs, is checked in the service
-- (server/src/services/roles.ts); the migrator re-asserts built-in permissions on every start.
GRANT INSERT, DELETE ON roles TO gatehouse_app;--> statement-breakpoint
GRANT UPDATE (name, delegable, permissions) ON roles TO gatehouse_app;
