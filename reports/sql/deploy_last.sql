-- name:    deploy_last
-- meaning: the last production READY deployment whose `ready` lies in [$start, $end): the one
--          deploy_impact numbers last (the overview's "last deployment" card)
-- formula: deploy_windows' last row in (ready, uid) order
-- unit:    none (an id and an instant)
-- grain:   zero or one row
-- time:    $start/$end are UTC instants cut in the report time zone by the caller
-- source:  vercel_deployments (production, READY, not STAGED), via deploy_windows (_deploy.sql)
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $environment VARCHAR, $window_s DOUBLE
-- note:    pass uid and ready_at to deploy_impact as $uid / $uid_ready to judge only this deployment
SELECT uid, ready_at
FROM deploy_windows($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $window_s::DOUBLE)
ORDER BY k DESC
LIMIT 1
