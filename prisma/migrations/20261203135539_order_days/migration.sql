-- Data only (the schema is unchanged). Orders dated a day (imported, or `order log … on <date>`)
-- were stored at that day's UTC midnight, which west of UTC is the evening before where the
-- organization is, so the checks saw them a day early. They now start the day in the
-- organization's time zone (startOfDay, src/domain/exchange/instants.ts): an order at exactly a
-- UTC midnight moves to the first instant of the same calendar day in its organization's zone.
UPDATE "Order" o SET "orderedAt" = (o."orderedAt"::date::timestamp AT TIME ZONE org."timeZone") AT TIME ZONE 'UTC'
FROM "Organization" org
WHERE org.id = o."organizationId"
  AND o."orderedAt" = date_trunc('day', o."orderedAt")
  AND org."timeZone" <> 'UTC'
  AND org."timeZone" IN (SELECT name FROM pg_timezone_names);
